/* file.c: the file.* actions. Reading ones are pure; changing ones undo
 * themselves (the runtime keeps the before-image). Paths are relative to
 * the plan's directory. Here are their rows and previews; their run and
 * undo come with the runtime's journal. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "stdlib_int.h"

#define STR ACTION_T(STRING)

/* ---- reading ----------------------------------------------------------- */

static mig_status_t file_read(action_ctx_t *c, const val_t *args, val_t **out)
{
    const char *path = stdlib_arg_str(args, "path");
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = actx_read_file(c, path, &b);
    if (st == MIG_OK && !val_utf8_valid(b.data ? b.data : "", b.len))
        st = actx_fail(c, "InvalidConfig", "file.read: '%s' is not valid "
                       "UTF-8 text", path);
    if (st == MIG_OK) {
        *out = val_string(b.data ? b.data : "", b.len);
        if (!*out)
            st = MIG_ENOMEM;
    }
    strbuf_free(&b);
    return st;
}

/* Reads PATH as JSON or YAML into *OUT; a malformed file fails with
 * InvalidConfig and the place of the first error. */
static mig_status_t read_structured(action_ctx_t *c, const val_t *args,
                                    val_t **out, bool yaml)
{
    const char *path = stdlib_arg_str(args, "path");
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = actx_read_file(c, path, &b);
    src_t *src = st == MIG_OK
        ? src_from_memory(path, b.data ? b.data : "", b.len) : NULL;
    strbuf_free(&b);
    if (st != MIG_OK)
        return st;
    if (!src)
        return MIG_ENOMEM;
    diag_list_t diags;
    diag_list_init(&diags);
    st = yaml ? val_from_yaml(src, &diags, out) : val_from_json(src, &diags, out);
    if (st == MIG_EINVALID) {
        const diag_t *d = NULL;
        for (size_t i = 0; i < diags.len && !d; i++)
            if (diags.items[i].severity == DIAG_ERROR)
                d = &diags.items[i];
        st = d && d->has_span
            ? actx_fail(c, "InvalidConfig", "%s:%u:%u: %s", path,
                        d->span.line, d->span.col, d->message)
            : actx_fail(c, "InvalidConfig", "%s: %s", path,
                        d ? d->message : "malformed");
    }
    diag_list_free(&diags);
    src_free(src);
    return st;
}

static mig_status_t file_read_json(action_ctx_t *c, const val_t *args,
                                   val_t **out)
{
    return read_structured(c, args, out, false);
}

static mig_status_t file_read_yaml(action_ctx_t *c, const val_t *args,
                                   val_t **out)
{
    return read_structured(c, args, out, true);
}

static mig_status_t file_exists(action_ctx_t *c, const val_t *args,
                                val_t **out)
{
    struct stat st;
    *out = val_bool(actx_stat(c, stdlib_arg_str(args, "path"), &st) == 0);
    return MIG_OK;
}

static mig_status_t file_list(action_ctx_t *c, const val_t *args, val_t **out)
{
    return actx_list_dir(c, stdlib_arg_str(args, "dir"),
                         stdlib_arg_str(args, "glob"), out);
}

/* ---- previews of changes ----------------------------------------------- */

/* Whether PATH holds exactly DATA (LEN bytes). */
static bool same_bytes(action_ctx_t *c, const char *path, const char *data,
                       size_t len)
{
    strbuf_t b;
    strbuf_init(&b);
    bool same = actx_read_file(c, path, &b) == MIG_OK && b.len == len
                && (len == 0 || memcmp(b.data, data, len) == 0);
    strbuf_free(&b);
    actx_begin(c, "file.write");
    return same;
}

static mig_status_t file_write_preview(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    (void)out;
    const char *path = stdlib_arg_str(args, "path");
    strbuf_t data;
    strbuf_init(&data);
    mig_status_t st = stdlib_content(stdlib_arg(args, "content"), &data);
    if (st != MIG_OK) {
        strbuf_free(&data);
        return st;
    }
    struct stat sb;
    if (actx_stat(c, path, &sb) != 0)
        st = actx_would(c, "create", path, "%zu bytes", data.len);
    else if (S_ISDIR(sb.st_mode))
        st = actx_fail(c, "Conflict", "file.write: '%s' is a directory", path);
    else if (same_bytes(c, path, data.data, data.len))
        st = actx_would(c, "keep", path, "already holds these %zu bytes",
                        data.len);
    else
        st = actx_would(c, "overwrite", path, "%lld -> %zu bytes",
                        (long long)sb.st_size, data.len);
    strbuf_free(&data);
    return st;
}

/* Says what copying or moving FROM to TO would do. */
static mig_status_t transfer_preview(action_ctx_t *c, const val_t *args,
                                     const char *change)
{
    const char *from = stdlib_arg_str(args, "from");
    const char *to = stdlib_arg_str(args, "to");
    struct stat sf, st;
    bool has_from = actx_stat(c, from, &sf) == 0;
    bool has_to = actx_stat(c, to, &st) == 0;
    char what[64];
    if (has_from && S_ISDIR(sf.st_mode))
        snprintf(what, sizeof what, "a directory");
    else if (has_from)
        snprintf(what, sizeof what, "%lld bytes", (long long)sf.st_size);
    else
        snprintf(what, sizeof what, "not there yet");
    return actx_would(c, change, to, "from %s (%s)%s", from, what,
                      has_to ? ", replacing what is there" : "");
}

static mig_status_t file_copy_preview(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    (void)out;
    return transfer_preview(c, args, "copy");
}

static mig_status_t file_move_preview(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    (void)out;
    return transfer_preview(c, args, "move");
}

static mig_status_t file_delete_preview(action_ctx_t *c, const val_t *args,
                                        val_t **out)
{
    (void)out;
    const char *path = stdlib_arg_str(args, "path");
    struct stat sb;
    if (actx_stat(c, path, &sb) != 0)
        return actx_would(c, "delete", path, "not there now");
    if (S_ISDIR(sb.st_mode))
        return actx_would(c, "delete", path, "a directory and what it holds");
    return actx_would(c, "delete", path, "%lld bytes", (long long)sb.st_size);
}

static mig_status_t file_mkdir_preview(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    (void)out;
    const char *path = stdlib_arg_str(args, "path");
    struct stat sb;
    if (actx_stat(c, path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return actx_would(c, "keep", path, "the directory is there");
    return actx_would(c, "mkdir", path, "with any missing parents");
}

/* ---- the table ---------------------------------------------------------- */

static const action_arg_t path_arg[] = {
    { .name = "path", .types = STR, .required = true,
      .doc = "the file, relative to the plan's directory" },
    { 0 },
};

static const action_arg_t list_args[] = {
    { .name = "dir", .types = STR, .required = true,
      .doc = "the directory, relative to the plan's directory" },
    { .name = "glob", .types = STR, .def = "\"*\"",
      .doc = "which names to give (fnmatch; dot files never)" },
    { 0 },
};

static const action_arg_t write_args[] = {
    { .name = "path", .types = STR, .required = true,
      .doc = "the file to write" },
    { .name = "content", .types = ACTION_T_ANY, .required = true,
      .doc = "a string, written as it is; any other value as indented JSON" },
    { 0 },
};

static const action_arg_t transfer_args[] = {
    { .name = "from", .types = STR, .required = true, .doc = "the source" },
    { .name = "to", .types = STR, .required = true,
      .doc = "where it goes; replaced if it is there" },
    { 0 },
};

const action_t stdlib_file_actions[] = {
    { .name = "file.read", .effect = ACTION_PURE, .args = path_arg,
      .result = STR, .preview = file_read, .run = file_read,
      .doc = "The text of a file (UTF-8)." },
    { .name = "file.read_json", .effect = ACTION_PURE, .args = path_arg,
      .result = ACTION_T_ANY, .preview = file_read_json, .run = file_read_json,
      .doc = "The value a JSON file holds; InvalidConfig with the place of "
             "the first error when it is malformed." },
    { .name = "file.read_yaml", .effect = ACTION_PURE, .args = path_arg,
      .result = ACTION_T_ANY, .preview = file_read_yaml, .run = file_read_yaml,
      .doc = "The value a YAML file holds (one document)." },
    { .name = "file.exists", .effect = ACTION_PURE, .args = path_arg,
      .result = ACTION_T(BOOL), .preview = file_exists, .run = file_exists,
      .doc = "Whether the path names a file or directory." },
    { .name = "file.list", .effect = ACTION_PURE, .args = list_args,
      .result = ACTION_T(LIST), .preview = file_list, .run = file_list,
      .doc = "The paths DIR/NAME of the entries of DIR whose names match "
             "GLOB, sorted." },
    { .name = "file.write", .effect = ACTION_SELF_UNDO, .args = write_args,
      .result = ACTION_T(NULL), .preview = file_write_preview,
      .doc = "Writes CONTENT to PATH atomically; the old bytes are kept "
             "for undo." },
    { .name = "file.copy", .effect = ACTION_SELF_UNDO, .args = transfer_args,
      .result = ACTION_T(NULL), .preview = file_copy_preview,
      .doc = "Copies FROM to TO; what TO held is kept for undo." },
    { .name = "file.move", .effect = ACTION_SELF_UNDO, .args = transfer_args,
      .result = ACTION_T(NULL), .preview = file_move_preview,
      .doc = "Moves FROM to TO; undone by moving it back." },
    { .name = "file.delete", .effect = ACTION_SELF_UNDO, .args = path_arg,
      .result = ACTION_T(NULL), .preview = file_delete_preview,
      .doc = "Deletes PATH; its bytes are kept for undo." },
    { .name = "file.mkdir", .effect = ACTION_SELF_UNDO, .args = path_arg,
      .result = ACTION_T(NULL), .preview = file_mkdir_preview,
      .doc = "Creates the directory PATH and missing parents; undone by "
             "removing what it created." },
};

const size_t stdlib_file_count =
    sizeof stdlib_file_actions / sizeof *stdlib_file_actions;
