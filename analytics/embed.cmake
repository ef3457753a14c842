# embed.cmake: writes OUT, a C file that holds each file of the list IN as
# a byte array NAME (from the list NAMES) with its length NAME_len, for
# the page of `mig stats --html` (html.c). Run at build time:
#   cmake -DIN="a;b" -DNAMES="x;y" -DOUT=file.c -P embed.cmake
set(text "/* Written by analytics/embed.cmake at build time; not edited. */\n")
string(APPEND text "#include <stddef.h>\n")
list(LENGTH IN n)
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  list(GET IN ${i} file)
  list(GET NAMES ${i} name)
  file(READ ${file} hex HEX)
  string(LENGTH "${hex}" len)
  math(EXPR len "${len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND text "const unsigned char ${name}[] = {${bytes}0x00};\n")
  string(APPEND text "const size_t ${name}_len = ${len};\n")
endforeach()
file(WRITE ${OUT}.tmp "${text}")
file(RENAME ${OUT}.tmp ${OUT})
