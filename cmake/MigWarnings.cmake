# Compiler flags shared by every target: warnings, -Werror in CI, sanitizers.
add_compile_options(-Wall -Wextra -Wshadow -Wstrict-prototypes
                    -Wmissing-prototypes -Wno-unused-parameter)
add_compile_definitions(_POSIX_C_SOURCE=200809L)
if(MIG_WERROR)
  add_compile_options(-Werror)
endif()
if(MIG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(MIG_FUZZ)
  # Coverage for libFuzzer in every object; the harness links the driver.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
