/* file.c: the file.* actions. Reading ones are pure; changing ones undo
 * themselves: capture keeps the before-image of every path the call will
 * change (runtime.h, actx_keep), run changes them, and one undo restores
 * the images. Paths are relative to the plan's directory. */
#include <stdio.h>
#include <stdlib.h>
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

/* ---- before-images and undo -------------------------------------------- */

/* A changing file action's undo record is {images: [...]}: the
 * before-image (runtime.h, actx_keep) of every path the call changes,
 * kept by capture in the order given. */

/* Keeps the N paths PATHS into a new record *OUT. */
static mig_status_t keep_paths(action_ctx_t *c, const char *const *paths,
                               size_t n, val_t **out)
{
    val_t *rec = val_map_new(1), *images = val_list_new(n);
    mig_status_t st = rec && images ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        val_t *img;
        st = actx_keep(c, paths[i], &img);
        if (st == MIG_OK)
            st = val_list_push_take(images, img);
    }
    if (st == MIG_OK) {
        st = val_map_set_take(rec, "images", 6, images);
        images = NULL;
    }
    val_unref(images);
    if (st != MIG_OK) {
        val_unref(rec);
        return st;
    }
    *out = rec;
    return MIG_OK;
}

/* The undo of every changing file action: restores the images of the
 * record, the last kept first. Idempotent, as actx_restore is. */
static mig_status_t file_undo(action_ctx_t *c, const val_t *rec, val_t **out)
{
    val_t *images = val_type(rec) == VAL_MAP ? stdlib_arg(rec, "images")
                                             : NULL;
    if (!images || val_type(images) != VAL_LIST) {
        const action_t *row = actx_action(c);
        return actx_fail(c, "InvalidConfig", "%s: a malformed undo record "
                         "(no images)", row ? row->name : "file");
    }
    for (size_t i = val_len(images); i > 0; i--) {
        mig_status_t st = actx_restore(c, val_list_get(images, i - 1));
        if (st != MIG_OK)
            return st;
    }
    *out = val_null();
    return MIG_OK;
}

/* *OUT gets the bool B; MIG_OK. */
static mig_status_t give_bool(val_t **out, bool b)
{
    *out = val_bool(b);
    return MIG_OK;
}

/* The state (actx_state) of PATH into OUT, which is reset first. */
static mig_status_t state_of(action_ctx_t *c, const char *path, strbuf_t *out)
{
    out->len = 0;
    if (out->data)
        out->data[0] = '\0';
    return actx_state(c, path, out);
}

/* ---- file.write --------------------------------------------------------- */

static mig_status_t file_write_capture(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    /* The before-image says what is there (one stat, not two). */
    const char *path = stdlib_arg_str(args, "path");
    mig_status_t st = keep_paths(c, &path, 1, out);
    val_t *img = st == MIG_OK
        ? val_list_get(stdlib_arg(*out, "images"), 0) : NULL;
    const char *type = img ? stdlib_arg_str(img, "type") : NULL;
    if (type && strcmp(type, "dir") == 0) {
        val_unref(*out);
        *out = NULL;
        return actx_fail(c, "Conflict", "file.write: '%s' is a directory",
                         path);
    }
    return st;
}

static mig_status_t file_write_run(action_ctx_t *c, const val_t *args,
                                   val_t **out)
{
    const char *path = stdlib_arg_str(args, "path");
    strbuf_t data;
    strbuf_init(&data);
    /* A directory at PATH makes the rename fail: Conflict. */
    mig_status_t st = stdlib_content(stdlib_arg(args, "content"), &data);
    if (st == MIG_OK)
        st = actx_write_file(c, path, data.data ? data.data : "", data.len);
    strbuf_free(&data);
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

/* Applied when PATH is a file holding exactly the bytes of CONTENT. */
static mig_status_t file_write_applied(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    const char *path = stdlib_arg_str(args, "path");
    struct stat sb;
    if (actx_stat(c, path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return give_bool(out, false);
    strbuf_t data, have;
    strbuf_init(&data);
    strbuf_init(&have);
    mig_status_t st = stdlib_content(stdlib_arg(args, "content"), &data);
    if (st == MIG_OK)
        st = state_of(c, path, &have);
    char hex[BLOB_HEX];
    blobs_hash(data.data ? data.data : "", data.len, hex);
    bool same = st == MIG_OK && have.len == 5 + BLOB_HEX - 1 &&
                !memcmp(have.data, "file:", 5) && !strcmp(have.data + 5, hex);
    strbuf_free(&data);
    strbuf_free(&have);
    return st == MIG_OK ? give_bool(out, same) : st;
}

/* ---- file.copy and file.move ------------------------------------------- */

static mig_status_t file_copy_capture(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    const char *to = stdlib_arg_str(args, "to");
    return keep_paths(c, &to, 1, out);
}

static mig_status_t file_copy_run(action_ctx_t *c, const val_t *args,
                                  val_t **out)
{
    mig_status_t st = actx_copy(c, stdlib_arg_str(args, "from"),
                                stdlib_arg_str(args, "to"));
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

/* Applied when TO is what FROM is: the same bytes, or the same link. A
 * directory cannot be told from a half-made copy cheaply, so it is not
 * applied: the copy is made again. */
static mig_status_t file_copy_applied(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    strbuf_t from, to;
    strbuf_init(&from);
    strbuf_init(&to);
    mig_status_t st = state_of(c, stdlib_arg_str(args, "from"), &from);
    if (st == MIG_OK)
        st = state_of(c, stdlib_arg_str(args, "to"), &to);
    bool same = st == MIG_OK && !strcmp(from.data, to.data) &&
                (!strncmp(from.data, "file:", 5) ||
                 !strncmp(from.data, "symlink:", 8));
    strbuf_free(&from);
    strbuf_free(&to);
    return st == MIG_OK ? give_bool(out, same) : st;
}

/* Both ends are kept: undo writes FROM back from its bytes and puts TO
 * back as it was, whatever the move did (a rename, or a copy across file
 * systems that stopped half-way). */
static mig_status_t file_move_capture(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    const char *paths[] = { stdlib_arg_str(args, "to"),
                            stdlib_arg_str(args, "from") };
    return keep_paths(c, paths, 2, out);
}

static mig_status_t file_move_run(action_ctx_t *c, const val_t *args,
                                  val_t **out)
{
    mig_status_t st = actx_move(c, stdlib_arg_str(args, "from"),
                                stdlib_arg_str(args, "to"));
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

/* Applied when FROM is gone and TO is there. */
static mig_status_t file_move_applied(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    strbuf_t from, to;
    strbuf_init(&from);
    strbuf_init(&to);
    mig_status_t st = state_of(c, stdlib_arg_str(args, "from"), &from);
    if (st == MIG_OK)
        st = state_of(c, stdlib_arg_str(args, "to"), &to);
    bool moved = st == MIG_OK && !strcmp(from.data, "absent") &&
                 strcmp(to.data, "absent") != 0;
    strbuf_free(&from);
    strbuf_free(&to);
    return st == MIG_OK ? give_bool(out, moved) : st;
}

/* ---- file.delete -------------------------------------------------------- */

static mig_status_t file_delete_capture(action_ctx_t *c, const val_t *args,
                                        val_t **out)
{
    const char *path = stdlib_arg_str(args, "path");
    return keep_paths(c, &path, 1, out);
}

static mig_status_t file_delete_run(action_ctx_t *c, const val_t *args,
                                    val_t **out)
{
    mig_status_t st = actx_remove_tree(c, stdlib_arg_str(args, "path"));
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

static mig_status_t file_delete_applied(action_ctx_t *c, const val_t *args,
                                        val_t **out)
{
    strbuf_t have;
    strbuf_init(&have);
    mig_status_t st = state_of(c, stdlib_arg_str(args, "path"), &have);
    bool gone = st == MIG_OK && !strcmp(have.data, "absent");
    strbuf_free(&have);
    return st == MIG_OK ? give_bool(out, gone) : st;
}

/* ---- file.mkdir --------------------------------------------------------- */

/* Walks the directories PATH names, from the top: *MISSING gets the
 * length of the first prefix that is not there (0 when all are).
 * Conflict when one of them is there but not a directory. */
static mig_status_t first_missing(action_ctx_t *c, const char *path,
                                  size_t *missing)
{
    *missing = 0;
    size_t len = strlen(path);
    char *prefix = malloc(len + 1);
    if (!prefix)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    for (size_t i = 1; i <= len && st == MIG_OK && !*missing; i++) {
        if (i < len && (path[i] != '/' || path[i - 1] == '/'))
            continue;           /* not the end of a name */
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        struct stat sb;
        if (actx_stat(c, prefix, &sb) != 0)
            *missing = i;
        else if (!S_ISDIR(sb.st_mode))
            st = actx_fail(c, "Conflict", "file.mkdir: '%s' is there and "
                           "is not a directory", prefix);
    }
    free(prefix);
    return st;
}

/* Keeps the first missing directory as it is (absent), so that undo
 * removes exactly what run creates; nothing when PATH is there. */
static mig_status_t file_mkdir_capture(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    const char *path = stdlib_arg_str(args, "path");
    size_t missing;
    mig_status_t st = first_missing(c, path, &missing);
    if (st != MIG_OK)
        return st;
    if (!missing)
        return keep_paths(c, NULL, 0, out);
    char *top = strndup(path, missing);
    if (!top)
        return MIG_ENOMEM;
    const char *paths[] = { top };
    st = keep_paths(c, paths, 1, out);
    free(top);
    return st;
}

static mig_status_t file_mkdir_run(action_ctx_t *c, const val_t *args,
                                   val_t **out)
{
    const char *path = stdlib_arg_str(args, "path");
    size_t missing;
    mig_status_t st = first_missing(c, path, &missing);
    char *prefix = st == MIG_OK && missing ? strdup(path) : NULL;
    if (st == MIG_OK && missing && !prefix)
        st = MIG_ENOMEM;
    /* Creates every name from the first missing one down. */
    for (size_t i = missing, len = strlen(path); prefix && st == MIG_OK &&
         i <= len; i++) {
        if ((i < len && (path[i] != '/' || path[i - 1] == '/')) ||
            (i == len && path[i - 1] == '/'))
            continue;           /* not the end of a name */
        prefix[i] = '\0';
        st = actx_mkdir(c, prefix);
        if (i < len)
            prefix[i] = '/';
    }
    free(prefix);
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

static mig_status_t file_mkdir_applied(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    struct stat sb;
    return give_bool(out, actx_stat(c, stdlib_arg_str(args, "path"), &sb) == 0
                          && S_ISDIR(sb.st_mode));
}

/* ---- the table ---------------------------------------------------------- */

static const action_arg_t path_arg[] = {
    { .name = "path", .types = STR, .required = true,
      .doc = "the file, relative to the plan's directory" },
    { 0 },
};

/* Whether another item of the same foreach may write the same path in
 * the run (docs/runtime.md, "Same-path writes"). */
#define REPLACE_ARG                                                         \
    { .name = "replace", .types = ACTION_T(BOOL), .def = "false",           \
      .doc = "true: items of one foreach may write the same path, the "     \
             "last one winning; false: that is a Conflict" }

/* The path a changing action changes: in the plan's write roots. */
static const action_arg_t changed_path_arg[] = {
    { .name = "path", .types = STR, .required = true, .writes = true,
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
    { .name = "path", .types = STR, .required = true, .writes = true,
      .replaces = true, .doc = "the file to write" },
    { .name = "content", .types = ACTION_T_ANY, .required = true,
      .doc = "a string, written as it is; any other value as indented JSON" },
    REPLACE_ARG,
    { 0 },
};

static const action_arg_t copy_args[] = {
    { .name = "from", .types = STR, .required = true, .doc = "the source" },
    { .name = "to", .types = STR, .required = true, .writes = true,
      .replaces = true, .doc = "where it goes; replaced if it is there" },
    REPLACE_ARG,
    { 0 },
};

static const action_arg_t move_args[] = {
    { .name = "from", .types = STR, .required = true, .writes = true,
      .doc = "the source" },
    { .name = "to", .types = STR, .required = true, .writes = true,
      .replaces = true, .doc = "where it goes; replaced if it is there" },
    REPLACE_ARG,
    { 0 },
};

const action_t stdlib_file_actions[] = {
    { .name = "file.read", .effect = ACTION_PURE, .args = path_arg,
      .result = STR, .preview = file_read, .run = file_read,
      .doc = "The text of a file (UTF-8); a regular file of up to 64 MiB, "
             "else InvalidConfig." },
    { .name = "file.read_json", .effect = ACTION_PURE, .args = path_arg,
      .result = ACTION_T_ANY, .preview = file_read_json, .run = file_read_json,
      .doc = "The value a JSON file holds; InvalidConfig with the place of "
             "the first error when it is malformed, or when it is not a "
             "regular file of up to 64 MiB." },
    { .name = "file.read_yaml", .effect = ACTION_PURE, .args = path_arg,
      .result = ACTION_T_ANY, .preview = file_read_yaml, .run = file_read_yaml,
      .doc = "The value a YAML file holds (one document); a regular file "
             "of up to 64 MiB, else InvalidConfig." },
    { .name = "file.exists", .effect = ACTION_PURE, .args = path_arg,
      .result = ACTION_T(BOOL), .preview = file_exists, .run = file_exists,
      .doc = "Whether the path names a file or directory." },
    { .name = "file.list", .effect = ACTION_PURE, .args = list_args,
      .result = ACTION_T(LIST), .preview = file_list, .run = file_list,
      .doc = "The paths DIR/NAME of the entries of DIR whose names match "
             "GLOB, sorted." },
    { .name = "file.write", .effect = ACTION_SELF_UNDO, .args = write_args,
      .result = ACTION_T(NULL), .preview = file_write_preview,
      .capture = file_write_capture, .run = file_write_run,
      .undo = file_undo, .applied = file_write_applied,
      .doc = "Writes CONTENT to PATH atomically (a new file has mode 0644); "
             "undo puts back what PATH held, byte for byte, or removes it." },
    { .name = "file.copy", .effect = ACTION_SELF_UNDO, .args = copy_args,
      .result = ACTION_T(NULL), .preview = file_copy_preview,
      .capture = file_copy_capture, .run = file_copy_run,
      .undo = file_undo, .applied = file_copy_applied,
      .doc = "Copies FROM (a file, a symlink, or a directory and all it "
             "holds, modes kept) to TO, replacing what TO held; undo puts TO "
             "back as it was." },
    { .name = "file.move", .effect = ACTION_SELF_UNDO, .args = move_args,
      .result = ACTION_T(NULL), .preview = file_move_preview,
      .capture = file_move_capture, .run = file_move_run,
      .undo = file_undo, .applied = file_move_applied,
      .doc = "Moves FROM to TO, replacing what TO held; undo puts both back "
             "as they were (the bytes of both are kept)." },
    { .name = "file.delete", .effect = ACTION_SELF_UNDO,
      .args = changed_path_arg,
      .result = ACTION_T(NULL), .preview = file_delete_preview,
      .capture = file_delete_capture, .run = file_delete_run,
      .undo = file_undo, .applied = file_delete_applied,
      .doc = "Deletes PATH, a file or a directory and all it holds "
             "(MissingDependency when it is not there); undo puts it back "
             "byte for byte." },
    { .name = "file.mkdir", .effect = ACTION_SELF_UNDO,
      .args = changed_path_arg,
      .result = ACTION_T(NULL), .preview = file_mkdir_preview,
      .capture = file_mkdir_capture, .run = file_mkdir_run,
      .undo = file_undo, .applied = file_mkdir_applied,
      .doc = "Creates the directory PATH and any missing parents (nothing "
             "when it is there); undo removes the first directory it "
             "created, with what is in it." },
};

const size_t stdlib_file_count =
    sizeof stdlib_file_actions / sizeof *stdlib_file_actions;
