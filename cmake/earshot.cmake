# Helpers shared by the folders' CMakeLists.

# Warnings are errors on our own code only.
# -Wno-restrict: GCC 12 reports a false positive on string concatenation at -O3 (GCC bug 105329).
set(EARSHOT_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND EARSHOT_WARNINGS -Wno-restrict)
endif()

# earshot_library(NAME DIR [DEPS ...] [PRIVATE_DEPS ...]): one static library from the .cc
# files of a folder (not its subfolders); headers are included as "<folder>/<file>.h" from the
# repo root. DEPS are what the folder's headers expose (PUBLIC), PRIVATE_DEPS what only its
# .cc files use. Every library names all it uses itself: none relies on another's PUBLIC deps
# for what it includes (tests/layout checks the include graph against DESIGN.md §3).
function(earshot_library name dir)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.cc)
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${EARSHOT_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# earshot_test(NAME LABEL label SOURCES ... DEPS ...): one GoogleTest executable, one CTest entry.
function(earshot_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_SOURCES)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${EARSHOT_WARNINGS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "EARSHOT_SOURCE_DIR=${PROJECT_SOURCE_DIR};EARSHOT_BINARY=$<TARGET_FILE:earshot>")
endfunction()
