# Every dependency is a Debian package found through pkg-config (see
# scripts/deps.sh for the package names). Later layers add theirs here.
find_package(PkgConfig REQUIRED)
find_package(BISON 3.8 REQUIRED)
find_package(FLEX 2.6 REQUIRED)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
# Regular expressions (interpreter/regex.c): schema patterns, matches().
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
if(MIG_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
# The runtime: the state store, the event loop, the object store's hash.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# The Lua bridge: Lua 5.4 for a plan's modules.
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)
# The HTTP server of `mig serve` (runtime/serve.c).
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
# http.request: libcurl (its multi interface, on the runtime's libuv loop).
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
# mig analyze's model: gradient-boosted trees (analytics/model.c).
pkg_check_modules(XGBOOST REQUIRED IMPORTED_TARGET xgboost)
