// littlefs v2's options as stock's extmod/extmod.mk gives them, for c/lfs2.c and for
// bindgen (c/bindgen.h) alike: without malloc (so no lfs2_file_open), and without the
// stdio/assert headers the debug options would pull in.  A port that defines them on its
// command line, as rp2 and esp32 do, keeps its own.
#ifndef LFS2_NO_MALLOC
#define LFS2_NO_MALLOC
#endif
#ifndef LFS2_NO_DEBUG
#define LFS2_NO_DEBUG
#endif
#ifndef LFS2_NO_WARN
#define LFS2_NO_WARN
#endif
#ifndef LFS2_NO_ERROR
#define LFS2_NO_ERROR
#endif
#ifndef LFS2_NO_ASSERT
#define LFS2_NO_ASSERT
#endif
