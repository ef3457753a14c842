/* reader_agent.h: what the agent family's files share (reader_agent.c
 * holds the table; reader_sk.c the Semantic Kernel readers;
 * reader_frameworks.c TaskWeaver, Flowise, Letta and CrewAI). Private to
 * stdlib/tools. */
#ifndef MIG_READER_AGENT_H
#define MIG_READER_AGENT_H

#include "tools_int.h"

/* The function's name a file gives by its path (docs/legacy-formats.md,
 * "Semantic Kernel"): for ".../PLUGIN/NAME/SUFFIX" the folder NAME (and
 * PLUGIN into *PLUGIN when not NULL); for "PREFIX__SUFFIX" the prefix
 * without its trailing '_', '-' or '.'; else the file's name without its
 * extension. Into NAME (and PLUGIN), which the caller frees. */
void agent_path_name(const char *path, const char *suffix, strbuf_t *name,
                     strbuf_t *plugin);

/* Appends string S (LEN bytes) to LIST unless it is there. */
void agent_list_add(tools_out_t *out, val_t *list, const char *s, size_t len);

/* "a, b, c" of the strings of LIST, into B. */
void agent_list_join(const val_t *list, strbuf_t *b);

/* An i18n text: the string itself, else its en_US member, else its first
 * string member; NULL when there is none (borrowed). */
const char *agent_i18n(const val_t *v);

/* The Semantic Kernel rows (reader_sk.c). */
int sk_config_detect(const tools_file_t *f);
mig_status_t sk_config_read(const tools_file_t *f, tools_out_t *out);
int sk_prompt_detect(const tools_file_t *f);
mig_status_t sk_prompt_read(const tools_file_t *f, tools_out_t *out);
int sk_yaml_detect(const tools_file_t *f);
mig_status_t sk_yaml_read(const tools_file_t *f, tools_out_t *out);
int sk_agent_detect(const tools_file_t *f);
mig_status_t sk_agent_read(const tools_file_t *f, tools_out_t *out);

/* The rows of reader_frameworks.c. */
int taskweaver_detect(const tools_file_t *f);
mig_status_t taskweaver_read(const tools_file_t *f, tools_out_t *out);
int flowise_detect(const tools_file_t *f);
mig_status_t flowise_read(const tools_file_t *f, tools_out_t *out);
int letta_detect(const tools_file_t *f);
mig_status_t letta_read(const tools_file_t *f, tools_out_t *out);
int crewai_agents_detect(const tools_file_t *f);
mig_status_t crewai_agents_read(const tools_file_t *f, tools_out_t *out);
int crewai_tasks_detect(const tools_file_t *f);
mig_status_t crewai_tasks_read(const tools_file_t *f, tools_out_t *out);

#endif
