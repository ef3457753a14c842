/* reader_synapse.c: the synapse family of legacy readers (tools_int.h). Its
 * rows join tools.c's table; none are written yet. */
#include "tools_int.h"

const tools_reader_t tools_readers_synapse[] = { { 0 } };
const size_t tools_readers_synapse_count = 0;
