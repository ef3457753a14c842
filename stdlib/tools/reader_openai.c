/* reader_openai.c: the openai family of legacy readers (tools_int.h). Its
 * rows join tools.c's table; none are written yet. */
#include "tools_int.h"

const tools_reader_t tools_readers_openai[] = { { 0 } };
const size_t tools_readers_openai_count = 0;
