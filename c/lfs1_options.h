// littlefs v1's options as stock's extmod/extmod.mk gives them, for c/lfs1.c and for the
// host build (build.rs) alike: without malloc, and without the stdio/assert headers the
// debug options would pull in.  A port that defines them on its command line, as rp2 and
// esp32 do, keeps its own.
#ifndef LFS1_NO_MALLOC
#define LFS1_NO_MALLOC
#endif
#ifndef LFS1_NO_DEBUG
#define LFS1_NO_DEBUG
#endif
#ifndef LFS1_NO_WARN
#define LFS1_NO_WARN
#endif
#ifndef LFS1_NO_ERROR
#define LFS1_NO_ERROR
#endif
#ifndef LFS1_NO_ASSERT
#define LFS1_NO_ASSERT
#endif
