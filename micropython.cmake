# The Rust os/vfs module for cmake ports (rp2, esp32), by MicroPython's usermod convention:
#   make -C ports/rp2 BOARD=RPI_PICO USER_C_MODULES=/path/to/this/micropython.cmake
# It switches the stock os/vfs (and the C filesystems we replace) off, builds the crate
# with cargo for the port's CPU and links it into the firmware through `usermod`.
set(RUSTOS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(RUSTOS_BUILD ${CMAKE_BINARY_DIR}/rustos)
file(MAKE_DIRECTORY ${RUSTOS_BUILD})

# The Rust target, from what the port tells cmake (RUSTOS_TARGET overrides).
if(NOT RUSTOS_TARGET)
    if(PICO_PLATFORM STREQUAL "rp2040")
        set(RUSTOS_TARGET thumbv6m-none-eabi)
    elseif(PICO_PLATFORM MATCHES "^rp2350-arm")
        # The pico-sdk builds RP2350's Arm code with -mfloat-abi=softfp (floats passed in
        # integer registers), which cannot link with the eabihf target (floats in FPU
        # registers): the soft-float target has the same calling convention.
        if(CMAKE_C_FLAGS MATCHES "-mfloat-abi=hard")
            set(RUSTOS_TARGET thumbv8m.main-none-eabihf)
        else()
            set(RUSTOS_TARGET thumbv8m.main-none-eabi)
        endif()
    elseif(PICO_PLATFORM MATCHES "^rp2350-riscv")
        set(RUSTOS_TARGET riscv32imac-unknown-none-elf)
    elseif(IDF_TARGET STREQUAL "esp32c3")
        set(RUSTOS_TARGET riscv32imc-unknown-none-elf)
    elseif(IDF_TARGET STREQUAL "esp32c6")
        set(RUSTOS_TARGET riscv32imac-unknown-none-elf)
    elseif(IDF_TARGET MATCHES "^esp32(s2|s3)?$")
        set(RUSTOS_TARGET xtensa-${IDF_TARGET}-none-elf)
        execute_process(COMMAND rustup toolchain list OUTPUT_VARIABLE _rustos_toolchains ERROR_QUIET)
        if(NOT _rustos_toolchains MATCHES "(^|\n)esp")
            message(FATAL_ERROR "rustos: ${IDF_TARGET} is Xtensa, which needs Espressif's Rust toolchain "
                "(not in rustup): install it with `cargo install espup && espup install`, then rebuild.")
        endif()
        set(RUSTOS_CARGO_TOOLCHAIN +esp)
    else()
        message(FATAL_ERROR "rustos: cannot tell the Rust target for this port: set RUSTOS_TARGET")
    endif()
endif()
if(RUSTOS_TARGET MATCHES "^riscv32")
    set(RUSTOS_CLANG_TARGET riscv32-unknown-elf)
elseif(RUSTOS_TARGET MATCHES "^xtensa")
    set(RUSTOS_CLANG_TARGET xtensa-esp-elf)
else()
    set(RUSTOS_CLANG_TARGET ${RUSTOS_TARGET})
endif()
# bindgen's per-target variable keeps a `.` (thumbv8m.main-none-eabi); cargo's and cc's do not.
string(REPLACE "-" "_" _t_bindgen ${RUSTOS_TARGET})
string(REPLACE "-" "_" _t_lower ${RUSTOS_TARGET})
string(REPLACE "." "_" _t_lower ${_t_lower})
string(TOUPPER ${_t_lower} _t_upper)
set(RUSTOS_CARGO_LIB ${RUSTOS_BUILD}/cargo/${RUSTOS_TARGET}/release/librustos.a)
set(RUSTOS_LIB ${RUSTOS_CARGO_LIB})
if(RUSTOS_TARGET MATCHES "^thumb")
    # The library the firmware links, without unwind tables: those of Rust's precompiled
    # core name libgcc's personality routine (__aeabi_unwind_cpp_pr0), which would link
    # libgcc's unwinder, and the pico-sdk copies libgcc into RAM.  Nothing of ours unwinds
    # (panic=abort).  The name goes too: an undefined symbol alone pulls the unwinder in.
    set(RUSTOS_LIB ${RUSTOS_BUILD}/librustos.a)
    set(RUSTOS_LIB_FILTER -R .ARM.exidx* -R .ARM.extab* -N __aeabi_unwind_cpp_pr0 -N __aeabi_unwind_cpp_pr1)
elseif(RUSTOS_TARGET MATCHES "^riscv")
    # The library the firmware links, without debug sections: the Rust toolchain's
    # precompiled compiler-builtins carry R_RISCV_SET_ULEB128/SUB_ULEB128 relocations in
    # them, which GNU ld before 2.41 (Debian 12's is 2.40) cannot process: it stops with
    # "unsupported relocation", or crashes.
    set(RUSTOS_LIB ${RUSTOS_BUILD}/librustos.a)
    set(RUSTOS_LIB_FILTER --strip-debug)
endif()

# The C glue (and littlefs v1 and v2: see rustos_finish).
add_library(usermod_rustos INTERFACE)
target_sources(usermod_rustos INTERFACE
    ${RUSTOS_DIR}/c/modos.c
    ${RUSTOS_DIR}/c/vfs_posix.c
    ${RUSTOS_DIR}/c/vfs_lfs.c
    ${RUSTOS_DIR}/c/vfs_fat.c
    ${RUSTOS_DIR}/c/vfs_rom.c
    ${RUSTOS_DIR}/c/trampolines.c
)
# The port's hardware RNG for os.urandom (overrides the weak rustos_port_random).
if(PICO_PLATFORM)
    target_sources(usermod_rustos INTERFACE ${RUSTOS_DIR}/ports/rp2/rustos_rng.c)
elseif(IDF_TARGET)
    target_sources(usermod_rustos INTERFACE ${RUSTOS_DIR}/ports/esp32/rustos_rng.c)
endif()
target_include_directories(usermod_rustos INTERFACE ${RUSTOS_DIR}/c ${RUSTOS_BUILD})
# Stock os/vfs off.  The qstr scanner (py/mkrules.cmake) preprocesses with the firmware
# target's own COMPILE_DEFINITIONS and MICROPY_CPP_DEF_EXTRA only, not the definitions a
# linked library brings, so they go into MICROPY_CPP_DEF_EXTRA too (rp2 and esp32 append
# to it; without them the scanner registers stock os and vfs, and c/modos.c stops it).
# The ports' own littlefs/FAT settings stay: rp2 defines MICROPY_VFS_LFS2 and
# MICROPY_VFS_FAT in mpconfigport.h, esp32 on its command line, so defining them again
# would be a redefinition, an error under their -Werror; nothing reaches stock's C
# filesystems with the vfs module off, and --gc-sections drops them.
set(RUSTOS_DEFINITIONS MICROPY_PY_OS=0 MICROPY_PY_VFS=0 MICROPY_PY_OS_STATVFS=1)
target_compile_definitions(usermod_rustos INTERFACE ${RUSTOS_DEFINITIONS})
list(APPEND MICROPY_CPP_DEF_EXTRA ${RUSTOS_DEFINITIONS})
target_link_libraries(usermod INTERFACE usermod_rustos)

# Qstrs named in the Rust sources, for the qstr scanner (regenerated when they change).
file(GLOB_RECURSE RUSTOS_RS ${RUSTOS_DIR}/src/*.rs)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${RUSTOS_RS})
execute_process(COMMAND python3 ${RUSTOS_DIR}/tools/gen_qstrs.py ${RUSTOS_DIR}/src ${RUSTOS_BUILD}/rustos_qstrs.h
    COMMAND_ERROR_IS_FATAL ANY)

# The cargo step needs the firmware target (for bindgen's flags) and the generated qstr
# header; ports define both after including user modules, so it is set up at the end.
function(rustos_finish)
    if(NOT TARGET ${MICROPY_TARGET})
        message(FATAL_ERROR "rustos: the port's firmware target (MICROPY_TARGET) is not defined")
    endif()
    # littlefs v1 and v2: rp2 and esp32 compile MicroPython's lib/littlefs/lfs1.c and
    # lfs2.c themselves (with the same LFS1_NO_*/LFS2_NO_* options); a port that does
    # not gets them from us.
    get_target_property(_srcs ${MICROPY_TARGET} SOURCES)
    if(NOT _srcs MATCHES "lib/littlefs/lfs1\\.c")
        target_sources(usermod_rustos INTERFACE ${RUSTOS_DIR}/c/lfs1.c)
    endif()
    if(NOT _srcs MATCHES "lib/littlefs/lfs2\\.c")
        target_sources(usermod_rustos INTERFACE ${RUSTOS_DIR}/c/lfs2.c)
    endif()
    # bindgen sees the firmware's own include dirs, definitions and CPU options.
    separate_arguments(_c_flags UNIX_COMMAND "${CMAKE_C_FLAGS}")
    set(_cpu_flags ${_c_flags})
    list(FILTER _cpu_flags INCLUDE REGEX "^-m")
    # The SDKs' RISC-V -march names extensions (_zicsr_zifencei...) that older clang
    # (Debian 12's 14) rejects; the headers only need the base ISA.
    list(TRANSFORM _cpu_flags REPLACE "^(-march=rv[0-9]+[a-z]+)_.*" "\\1")
    list(JOIN _cpu_flags "\n" _cpu_flags)
    file(GENERATE OUTPUT ${RUSTOS_BUILD}/cflags.txt CONTENT
"-I$<JOIN:$<TARGET_PROPERTY:${MICROPY_TARGET},INCLUDE_DIRECTORIES>,\n-I>
-D$<JOIN:$<TARGET_PROPERTY:${MICROPY_TARGET},COMPILE_DEFINITIONS>,\n-D>
-D$<JOIN:$<TARGET_PROPERTY:usermod_rustos,INTERFACE_COMPILE_DEFINITIONS>,\n-D>
${_cpu_flags}
")
    execute_process(COMMAND ${CMAKE_C_COMPILER} ${_c_flags} -E -Wp,-v -xc /dev/null
        ERROR_VARIABLE _inc OUTPUT_QUIET RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "rustos: cannot ask ${CMAKE_C_COMPILER} for its include dirs:\n${_inc}")
    endif()
    string(REGEX MATCHALL "\n (/[^\n]*)" _inc "${_inc}")
    string(REGEX REPLACE "\n " "-isystem " _inc "${_inc}")
    list(JOIN _inc " " _inc)
    set(RUSTOS_CARGO_COMMAND ${CMAKE_COMMAND} -E env
        RUSTOS_CFLAGS_FILE=${RUSTOS_BUILD}/cflags.txt RUSTOS_PORT_DIR=${CMAKE_CURRENT_SOURCE_DIR}
        RUSTOS_CLANG_TARGET=${RUSTOS_CLANG_TARGET} "RUSTOS_CLANG_ARGS=${_inc}"
        "CARGO_TARGET_${_t_upper}_RUSTFLAGS=--cfg getrandom_backend=\"custom\""
        CARGO_PROFILE_RELEASE_OPT_LEVEL=s "BINDGEN_EXTRA_CLANG_ARGS_${_t_bindgen}=${_inc}"
        CC_${_t_lower}=${CMAKE_C_COMPILER} "CFLAGS_${_t_lower}=${CMAKE_C_FLAGS}"
        cargo ${RUSTOS_CARGO_TOOLCHAIN} build --release --target ${RUSTOS_TARGET}
        --manifest-path ${RUSTOS_DIR}/Cargo.toml --target-dir ${RUSTOS_BUILD}/cargo)
    set(RUSTOS_CARGO_COMMAND ${RUSTOS_CARGO_COMMAND} PARENT_SCOPE)
    if(RUSTOS_DRY_RUN)
        # For tests/cmake: report the choices instead of building.
        list(JOIN RUSTOS_CARGO_COMMAND " " _cmd)
        message(STATUS "rustos target: ${RUSTOS_TARGET}")
        message(STATUS "rustos cargo: ${_cmd}")
        return()
    endif()
    # bindgen reads the generated headers the MicroPython headers include.
    set(_genhdr ${MICROPY_QSTRDEFS_GENERATED} ${MICROPY_ROOT_POINTERS})
    if(MICROPY_ROM_TEXT_COMPRESSION)
        list(APPEND _genhdr ${MICROPY_COMPRESSED_DATA})
    endif()
    set(_strip)
    if(NOT RUSTOS_LIB STREQUAL RUSTOS_CARGO_LIB)
        set(_strip COMMAND ${CMAKE_OBJCOPY} ${RUSTOS_LIB_FILTER} ${RUSTOS_CARGO_LIB} ${RUSTOS_LIB})
    endif()
    add_custom_command(OUTPUT ${RUSTOS_LIB}
        COMMAND ${RUSTOS_CARGO_COMMAND}
        ${_strip}
        DEPENDS ${_genhdr} ${RUSTOS_BUILD}/cflags.txt ${RUSTOS_RS}
        VERBATIM)
    add_custom_target(rustos_cargo DEPENDS ${RUSTOS_LIB})
    add_dependencies(${MICROPY_TARGET} rustos_cargo)
    target_link_libraries(${MICROPY_TARGET} ${RUSTOS_LIB})
endfunction()
cmake_language(DEFER CALL rustos_finish)
