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
        set(RUSTOS_TARGET thumbv8m.main-none-eabihf)
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
string(REPLACE "-" "_" _t_lower ${RUSTOS_TARGET})
string(REPLACE "." "_" _t_lower ${_t_lower})
string(TOUPPER ${_t_lower} _t_upper)
set(RUSTOS_LIB ${RUSTOS_BUILD}/cargo/${RUSTOS_TARGET}/release/librustos.a)

# The C glue.  Stock os/vfs off; our littlefs and FAT replace the C ones.
add_library(usermod_rustos INTERFACE)
target_sources(usermod_rustos INTERFACE
    ${RUSTOS_DIR}/c/modos.c
    ${RUSTOS_DIR}/c/vfs_posix.c
    ${RUSTOS_DIR}/c/vfs_lfs.c
    ${RUSTOS_DIR}/c/vfs_fat.c
    ${RUSTOS_DIR}/c/trampolines.c
    ${RUSTOS_DIR}/c/lfs1.c
)
# The port's hardware RNG for os.urandom (overrides the weak rustos_port_random).
if(PICO_PLATFORM)
    target_sources(usermod_rustos INTERFACE ${RUSTOS_DIR}/ports/rp2/rustos_rng.c)
elseif(IDF_TARGET)
    target_sources(usermod_rustos INTERFACE ${RUSTOS_DIR}/ports/esp32/rustos_rng.c)
endif()
target_include_directories(usermod_rustos INTERFACE ${RUSTOS_DIR}/c ${RUSTOS_BUILD})
target_compile_definitions(usermod_rustos INTERFACE
    MICROPY_PY_OS=0 MICROPY_PY_VFS=0 MICROPY_PY_OS_STATVFS=1 MICROPY_VFS_LFS1=0 MICROPY_VFS_LFS2=0)
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
    # bindgen sees the firmware's own include dirs, definitions and CPU options.
    separate_arguments(_cpu_flags UNIX_COMMAND "${CMAKE_C_FLAGS}")
    list(FILTER _cpu_flags INCLUDE REGEX "^-m")
    list(JOIN _cpu_flags "\n" _cpu_flags)
    file(GENERATE OUTPUT ${RUSTOS_BUILD}/cflags.txt CONTENT
"-I$<JOIN:$<TARGET_PROPERTY:${MICROPY_TARGET},INCLUDE_DIRECTORIES>,\n-I>
-D$<JOIN:$<TARGET_PROPERTY:${MICROPY_TARGET},COMPILE_DEFINITIONS>,\n-D>
-D$<JOIN:$<TARGET_PROPERTY:usermod_rustos,INTERFACE_COMPILE_DEFINITIONS>,\n-D>
${_cpu_flags}
")
    execute_process(COMMAND ${CMAKE_C_COMPILER} ${CMAKE_C_FLAGS} -E -Wp,-v -xc /dev/null
        ERROR_VARIABLE _inc OUTPUT_QUIET)
    string(REGEX MATCHALL "\n (/[^\n]*)" _inc "${_inc}")
    string(REGEX REPLACE "\n " "-isystem " _inc "${_inc}")
    list(JOIN _inc " " _inc)
    set(RUSTOS_CARGO_COMMAND ${CMAKE_COMMAND} -E env
        RUSTOS_CFLAGS_FILE=${RUSTOS_BUILD}/cflags.txt RUSTOS_PORT_DIR=${CMAKE_CURRENT_SOURCE_DIR}
        RUSTOS_CLANG_TARGET=${RUSTOS_CLANG_TARGET} "RUSTOS_CLANG_ARGS=${_inc}"
        "CARGO_TARGET_${_t_upper}_RUSTFLAGS=--cfg getrandom_backend=\"custom\""
        CARGO_PROFILE_RELEASE_OPT_LEVEL=s "BINDGEN_EXTRA_CLANG_ARGS_${_t_lower}=${_inc}"
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
    add_custom_command(OUTPUT ${RUSTOS_LIB}
        COMMAND ${RUSTOS_CARGO_COMMAND}
        DEPENDS ${MICROPY_QSTRDEFS_GENERATED} ${RUSTOS_BUILD}/cflags.txt ${RUSTOS_RS}
        VERBATIM)
    add_custom_target(rustos_cargo DEPENDS ${RUSTOS_LIB})
    add_dependencies(${MICROPY_TARGET} rustos_cargo)
    target_link_libraries(${MICROPY_TARGET} ${RUSTOS_LIB})
endfunction()
cmake_language(DEFER CALL rustos_finish)
