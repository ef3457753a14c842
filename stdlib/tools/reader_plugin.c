/* reader_plugin.c: the plugin family of legacy readers (tools_int.h). Its
 * rows join tools.c's table; none are written yet. */
#include "tools_int.h"

const tools_reader_t tools_readers_plugin[] = { { 0 } };
const size_t tools_readers_plugin_count = 0;
