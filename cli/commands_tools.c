/* commands_tools.c: the command table's rows (cli.h, cli_command_next) of
 * the commands around plans: the designer's export and import, adapt,
 * help, the shell completions, the language server, gen, serve and new,
 * with their options. */
#include "cli.h"

static const cli_opt_t export_opts[] = {
    { .name = "format", .short_name = 'f', .arg = "FORMAT",
      .help = "json (the default), dot, mermaid or bpmn" },
    { .name = "output", .short_name = 'o', .arg = "OUT",
      .help = "write to OUT (replaced in one step) instead of stdout" },
    { .name = "run", .arg = "RUN",
      .help = "draw run RUN (a number or 'last') on the graph (json, dot)" },
    { .name = "state", .arg = "PATH",
      .help = "the state store of --run (default: .mig/state.db here or above)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t import_opts[] = {
    { .name = "output", .short_name = 'o', .arg = "OUT",
      .help = "write the plan to OUT (replaced in one step) instead of stdout" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t gen_opts[] = {
    { .name = "kind", .short_name = 'k', .arg = "KIND",
      .help = "openai, mcp, plugin, synapse, rag, sk or mixed (the default)" },
    { .name = "count", .short_name = 'n', .arg = "N",
      .help = "how many records in all, from 1 to 1000000 (required)" },
    { .name = "seed", .arg = "S",
      .help = "the seed (default 0): the same seed writes the same bytes" },
    { .name = "out", .short_name = 'o', .arg = "DIR",
      .help = "the folder to write (default: legacy)" },
    { .name = "mismatches", .arg = "LIST",
      .help = "plant problems in a share of the files: "
              "malformed,conflict,names,quirks each as KIND:SHARE" },
    { .name = "files-per", .arg = "N",
      .help = "records per file where a format holds several, 1 to 1000 "
              "(default: drawn per file)" },
    { .name = "force",
      .help = "replace what DIR holds instead of refusing" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t serve_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "serve the HTTP API of this state store's runs (docs/api.md)" },
    { .name = "registry", .arg = "PATH",
      .help = "the registry to serve: a SQLite database (.db) or a folder" },
    { .name = "listen", .arg = "HOST:PORT",
      .help = "where to listen (default 127.0.0.1:8470; port 0: any free one)" },
    { .name = "token-file", .arg = "FILE",
      .help = "the bearer token requests that change something must carry" },
    { .name = "durability", .arg = "MODE",
      .help = "grouped (the default) or full: sync every write, as "
              "'mig run --durability full'" },
    { .name = "latency", .arg = "DURATION",
      .help = "wait this long before every answer (0ms to 60s)" },
    { .name = "fail-rate", .arg = "SHARE",
      .help = "answer a seeded share (0 to 1) of requests with --fail-status" },
    { .name = "fail-status", .arg = "CODE",
      .help = "429 or 503 (the default), for --fail-rate" },
    { .name = "retry-after", .arg = "SECS",
      .help = "the Retry-After of --fail-rate's answers (default 1)" },
    { .name = "seed", .arg = "N",
      .help = "the seed --fail-rate draws from (default 0)" },
    { .name = "rate-limit", .arg = "N/s",
      .help = "answer 429 with Retry-After past N requests a second" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t new_opts[] = {
    { .name = "template", .short_name = 't', .arg = "NAME",
      .help = "synapse, rag, plugin, mcp, openai or mixed" },
    { .name = "list", .short_name = 'l',
      .help = "list the templates, a line each" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t adapt_opts[] = {
    { .name = "json", .short_name = 'j',
      .help = "print the changes and the mapping as one JSON object" },
    { .name = "output", .short_name = 'o', .arg = "MAPPING",
      .help = "also write the mapping as YAML to MAPPING (in one step)" },
    { .name = "state", .arg = "PATH",
      .help = "learn: the state store (default: .mig/state.db here or above)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t help_cmd_opts[] = {
    { .name = "json", .short_name = 'j',
      .help = "with 'actions': print the actions and handlers as JSON" },
    { .name = "man",
      .help = "print the man page mig(1), in roff, for every command" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

const cli_cmd_t cli_tool_commands[] = {
    { .name = "export", .run = cmd_export, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = export_opts,
      .summary = "write the execution graph as JSON, DOT, Mermaid or BPMN",
      .help =
          "Parses FILE, compiles its execution graph (as 'mig graph' does) and\n"
          "writes it in FORMAT: json, the mig-graph JSON that 'mig import' reads; dot,\n"
          "for Graphviz, stages as clusters, error and undo edges styled apart;\n"
          "mermaid, a flowchart for Markdown reviews; bpmn, BPMN 2.0 XML with its\n"
          "diagram, for BPMN modelers. docs/export.md shows each.\n"
          "\n"
          "Exit status: 0 when the plan is clean, 1 when it has errors, 2 for a\n"
          "usage error or a file that cannot be read or written; 8 when the\n"
          "state store of --run is missing or cannot be read." },
    { .name = "import", .run = cmd_import, .operands = "GRAPH.json",
      .min_operands = 1, .max_operands = 1, .opts = import_opts,
      .summary = "print the .mig plan a mig-graph JSON document describes",
      .help =
          "Reads GRAPH.json (\"-\" reads standard input), a mig-graph document as\n"
          "'mig export -f json' writes it and a visual designer saves it, and\n"
          "prints the plan it describes: the header, then each statement from\n"
          "its node's properties, in the blocks its groups make, formatted the\n"
          "one way (two-space indent, one statement a line, no comments).\n"
          "Labels, spans, layout, the stage order and the edges are derived:\n"
          "only their ids are checked. Every error names its JSON path\n"
          "(nodes[3].properties.action), and the plan is compiled before it is\n"
          "printed, so what is printed builds. docs/export.md has the format.\n"
          "\n"
          "Exit status: 0 when the plan was printed, 1 when the document has\n"
          "errors, 2 for a usage error or a file that cannot be read or written." },
    { .name = "adapt", .run = cmd_adapt,
      .operands = "diff OLD NEW | learn RUN",
      .min_operands = 2, .max_operands = 3, .opts = adapt_opts,
      .summary = "show how two interfaces of a tool differ, as a mapping",
      .help =
          "Compares OLD with NEW, two JSON or YAML files (.yaml, .yml) each\n"
          "holding a tool's parameter schema, a tool (MCP inputSchema,\n"
          "Anthropic input_schema, OpenAI parameters), a list of tools\n"
          "({tools: [...]} too) or an OpenAPI 3.x document (each operation a\n"
          "tool). Prints one line per change: renamed,\n"
          "removed, added-required, added-optional, type changed, enum\n"
          "values changed, moved into or out of nesting, split, merged, tool\n"
          "renamed, removed or added, tools merged behind a discriminator;\n"
          "each with its evidence and confidence, and '; needs a person'\n"
          "where mig will not decide. -o writes the mapping that\n"
          "adapt.params(map: ...) and adapt.translate apply, to review and\n"
          "edit. Exit status 0 when every change is applied automatically,\n"
          "10 when one needs a person, 1 when a file is not an interface.\n"
          "\n"
          "'learn RUN' (a run id, or 'last'; the store is found as for 'mig\n"
          "log') writes the repairs that run's adapt.params and\n"
          "adapt.remap_method made as the same mapping (-o MAPPING, else to\n"
          "stdout), for adapt.translate(map: ...) to apply up front next\n"
          "time. A parameter, value or tool two items repaired two ways is\n"
          "left out, said in the output. Exit status 0 when written, 10 when\n"
          "written with something left out, 6 when the run made no repairs\n"
          "(nothing written), 2 for no such run, 8 when the store cannot be\n"
          "read." },
    { .name = "help", .run = cmd_help, .operands = "[COMMAND | ACTION]",
      .min_operands = 0, .max_operands = 1, .opts = help_cmd_opts,
      .summary = "show help for mig, one of its commands or an action",
      .help = "Without COMMAND, lists the commands; with it, shows its usage.\n"
              "'mig help actions' lists every action and recovery handler\n"
              "(--json: as JSON), and 'mig help ACTION' shows one of them\n"
              "(mig help file.write). --man prints the man page mig(1)." },
    { .name = "completions", .run = cmd_completions, .operands = "SHELL",
      .min_operands = 1, .max_operands = 1, .opts = cli_help_opts,
      .summary = "print shell completions for mig (bash, zsh or fish)",
      .help =
          "Prints the completion script of SHELL (bash, zsh or fish) for mig's\n"
          "commands, options and file arguments, written from the same table\n"
          "as this help. 'make install' installs all three; by hand:\n"
          "\n"
          "  mig completions bash > ~/.local/share/bash-completion/completions/mig\n"
          "  mig completions zsh > ~/.zfunc/_mig       (a folder in $fpath)\n"
          "  mig completions fish > ~/.config/fish/completions/mig.fish\n"
          "\n"
          "Exit status: 0, or 2 for a shell mig has no completions for." },
    { .name = "lsp", .run = cmd_lsp, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = cli_help_opts,
      .summary = "serve the Language Server Protocol on stdin and stdout",
      .help =
          "Runs a language server for .mig plans over standard input and\n"
          "output (JSON-RPC with Content-Length framing), for editors:\n"
          "diagnostics as you type (the messages of 'mig check', the plan's\n"
          "Lua modules loaded), hover, completion, go to definition,\n"
          "references, document symbols, formatting as 'mig fmt' does it, and\n"
          "rename of a step or checkpoint (docs/lsp.md). Nothing but protocol\n"
          "messages is written to standard output.\n"
          "\n"
          "Exit status: 0 after the client's 'shutdown' then 'exit', 1 when\n"
          "input ended or 'exit' came without 'shutdown'." },
    { .name = "gen", .run = cmd_gen, .operands = "tools",
      .min_operands = 1, .max_operands = 1, .opts = gen_opts,
      .summary = "write a synthetic legacy inventory to rehearse a plan on",
      .help =
          "Writes N legacy tool records of KIND into DIR, as files in the real\n"
          "shapes of each format docs/legacy-formats.md lists (several tools a\n"
          "file where the format holds several; plugins as ai-plugin.json with\n"
          "its OpenAPI document; MCP servers with their tools; Synapse agents;\n"
          "RAG configurations; Semantic Kernel functions), so that a plan can be\n"
          "rehearsed at scale before the real run. The same seed writes the\n"
          "same bytes. --mismatches plants problems in a share of the files:\n"
          "malformed (cut short, merge-conflict markers), conflict (a name\n"
          "written before, with other content), names (names the normaliser\n"
          "fits) and quirks (schema spellings the normaliser fixes).\n"
          "DIR/.gen.tsv lists every file with the format tools.read gives it and\n"
          "its records (docs/gen.md). The files are written beside DIR and\n"
          "moved into place at the end: a failure leaves DIR as it was.\n"
          "\n"
          "Exit status: 0 when the files were written; 2 for a usage error (a\n"
          "kind, count or share out of bounds) or a file that cannot be\n"
          "written; 6 when DIR is not empty and --force was not given." },
    { .name = "serve", .run = cmd_serve, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = serve_opts,
      .summary = "serve a V2 registry and the runs' API over HTTP",
      .help =
          "Serves the registry PATH (--registry; as a plan's db names one),\n"
          "the HTTP API of the state store --state PATH, or both, over HTTP\n"
          "until SIGINT, SIGTERM or SIGHUP.\n"
          "\n"
          "The API (docs/api.md): GET /v1/runs, /v1/runs/{id} (as 'mig status\n"
          "--json'), /v1/runs/{id}/events (Server-Sent Events, following a\n"
          "running run), /v1/runs/{id}/checkpoints, POST\n"
          "/v1/runs/{id}/rollback and /v1/runs/{id}/resume (this mig's own\n"
          "rollback and resume, run in a child process), GET /v1/snapshots\n"
          "(as 'mig snapshot list --json'), POST /v1/snapshots,\n"
          "/v1/snapshots/prune and /v1/snapshots/{id}/restore (this mig's own\n"
          "snapshot create, prune and restore, in a child process), GET\n"
          "/v1/health ('mig doctor --json'; 503 when something needs\n"
          "attention) and GET /metrics (as 'mig metrics', and the server's own\n"
          "requests). Every request that changes something appends one entry\n"
          "to the audit trail of the state store (--state, else found as for\n"
          "'mig status', else .mig/state.db here), as its token's holder at\n"
          "the peer's address.\n"
          "\n"
          "The registry: GET, PUT and DELETE\n"
          "/v2/tools/{name}, GET /v2/tools?cursor=&limit= (pages of at most\n"
          "500), and the same under /v2/servers and /v2/backends, with ETags\n"
          "(the record's digest), If-Match and If-None-Match: *, and JSON\n"
          "error bodies (docs/registry-api.md). Every write is the registry\n"
          "actions' own: the record is validated (422 with each problem's\n"
          "JSON pointer), digested and stored as registry.put stores it, one\n"
          "request at a time. Prints one line, 'mig serve: listening on\n"
          "http://HOST:PORT', when it listens (port 0 picks a free port).\n"
          "\n"
          "It listens on loopback unless --listen says otherwise, and refuses\n"
          "to listen beyond loopback without --token-file. With a token, a\n"
          "request that changes something needs 'Authorization: Bearer\n"
          "TOKEN' (401 without, 403 with another); reads need none. Bodies\n"
          "of more than 1 MiB are refused (413); at most 64 connections are\n"
          "open at once, and one silent for 10 s is closed. On a signal it\n"
          "stops accepting, lets the requests in flight finish (30 s at\n"
          "most) and closes the registry.\n"
          "\n"
          "For rehearsals: --latency delays every answer; --fail-rate answers\n"
          "that share of requests with --fail-status and Retry-After:\n"
          "--retry-after, the same requests for the same --seed; --rate-limit\n"
          "N/s answers 429 with Retry-After past N requests a second.\n"
          "\n"
          "Exit status: 0 when stopped by a signal; 2 for a usage error, a\n"
          "registry that cannot be opened (damaged, another schema version,\n"
          "no folder to create it in), or an address it cannot listen on; 6\n"
          "when refused: beyond loopback without a token; 8 when the state\n"
          "store cannot be opened or made; 9 when requests still running 30 s\n"
          "after the signal were cut short." },
    { .name = "new", .run = cmd_new, .operands = "[DIR]",
      .min_operands = 0, .max_operands = 1, .opts = new_opts,
      .summary = "make a migration project from a template",
      .help =
          "Makes the folder DIR, a ready migration project from the template\n"
          "NAME: plan.mig (the workflow of workflows/, byte for byte), sample\n"
          "legacy files under legacy/ (mig's example data, with SOURCES.tsv\n"
          "saying where each comes from), a mig.yaml with the plan's own\n"
          "parameters and the profiles development, staging and production,\n"
          "a README.md saying how to run it, and a .gitignore for .mig/. The\n"
          "plan runs as it is on the samples. The templates are built into\n"
          "mig; --list shows them (docs/templates.md).\n"
          "\n"
          "DIR must not exist, or be an empty folder. The files are written\n"
          "into a new folder beside it (DIR.new-PID), renamed into place at\n"
          "the end: a failure leaves nothing behind.\n"
          "\n"
          "Exit status: 0 when the project was made (or listed); 2 for a\n"
          "usage error (no or an unknown template, no DIR, DIR is a file) or\n"
          "a file that cannot be written; 6 when DIR is a folder that is not\n"
          "empty (nothing is written)." },
    { 0 },
};
