// Linked into the sanitizer build only (tools/sanitize/run.py passes it in LDFLAGS_EXTRA).
//
// With -fsanitize=address,undefined, GCC 12 links two runtimes, libasan and libubsan, each
// with its own copy of sanitizer_common and so of the report file.  Two things follow:
//  - libubsan never opens the log_path of UBSAN_OPTIONS for its own reports: its
//    initialisation (at its first report) calls __sanitizer_set_report_path, which the
//    dynamic linker binds to libasan's (the first definition), so UBSan's reports go to
//    stderr, mixed into the output of whatever test runs;
//  - that same call sets *libasan's* report path to UBSAN_OPTIONS' log_path ("stderr" when
//    there is none), so UBSAN_OPTIONS must name the same log_path as ASAN_OPTIONS, or ASan's
//    reports after UBSan's first one move.
// This constructor gives libubsan its own report path, from $SANITIZE_UBSAN_LOG, through
// libubsan's own __sanitizer_set_report_path (looked up in libubsan itself): every UBSan
// report then lands in a file of its own, <path>.<pid>, and ASan's in ASAN_OPTIONS'
// log_path, <path>.<pid>.
#include <dlfcn.h>
#include <stdlib.h>

__attribute__((constructor)) static void sanitize_ubsan_log_path(void) {
    const char *path = getenv("SANITIZE_UBSAN_LOG");
    if (path == NULL || *path == 0) {
        return;
    }
    void *h = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
    void (*set)(const char *) = h ? (void (*)(const char *))dlsym(h, "__sanitizer_set_report_path") : NULL;
    if (set != NULL) {
        set(path);
    }
}
