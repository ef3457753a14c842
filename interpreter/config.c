/* config.c: the project configuration, mig.yaml (docs/configuration.md):
 * found by walking up from the plan's folder, read with its places
 * (value_yaml.c), checked against the schema (config_schema.c) before
 * anything runs, and read by the commands through interpreter.h. */
#define _XOPEN_SOURCE 700   /* realpath */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_int.h"

/* DIR + "/" + NAME ("" DIR: NAME alone), a new string. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    bool slash = n && dir[n - 1] != '/';
    char *s = malloc(n + slash + strlen(name) + 1);
    if (s) {
        memcpy(s, dir, n);
        if (slash)
            s[n] = '/';
        strcpy(s + n + slash, name);
    }
    return s;
}

static bool exists(const char *dir, const char *name, bool *oom)
{
    char *p = join(dir, name);
    struct stat st;
    bool ok = p && stat(p, &st) == 0;
    *oom = *oom || !p;
    free(p);
    return ok;
}

mig_status_t config_find(const char *dir, char **path)
{
    *path = NULL;
    /* Walked as an absolute name, so that ".." is taken one folder at a
     * time; the path given back is DIR followed by as many "../", so that
     * messages name it the way the plan was named. */
    char *cur = realpath(*dir ? dir : ".", NULL);
    strbuf_t rel;
    strbuf_init(&rel);
    strbuf_puts(&rel, dir);
    if (rel.len && rel.data[rel.len - 1] != '/')
        strbuf_putc(&rel, '/');
    bool oom = rel.oom;
    while (cur && !oom) {
        if (exists(cur, CONFIG_FILE_NAME, &oom)) {
            strbuf_puts(&rel, CONFIG_FILE_NAME);
            oom = oom || rel.oom;
            *path = oom ? NULL : rel.data;
            rel.data = NULL;
            break;
        }
        char *slash = strrchr(cur, '/');
        if (oom || exists(cur, ".git", &oom) || !slash || cur[1] == '\0')
            break;
        slash[slash == cur] = '\0';     /* "/a" -> "/", "/a/b" -> "/a" */
        strbuf_puts(&rel, "../");
    }
    free(cur);
    strbuf_free(&rel);
    return oom ? MIG_ENOMEM : MIG_OK;
}

config_t *config_builtin(void)
{
    config_t *c = calloc(1, sizeof(*c));
    if (c && !(c->dir = strdup(""))) {
        free(c);
        c = NULL;
    }
    return c;
}

void config_free(config_t *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->dir);
    src_free(c->src);
    val_unref(c->root);
    yaml_places_free(&c->places);
    free(c->params);
    free(c->profile_first);
    free(c->profile_count);
    free(c);
}

const char *config_path(const config_t *c) { return c->path; }
src_t *config_src(const config_t *c) { return c->src; }

static const val_t *profiles_map(const config_t *c)
{
    val_t *p = config_get(c->root, "top", "profiles");
    return p && val_type(p) == VAL_MAP ? p : NULL;
}

size_t config_profile_count(const config_t *c)
{
    const val_t *p = profiles_map(c);
    return p ? val_len(p) : 0;
}

const char *config_profile_name(const config_t *c, size_t i)
{
    return val_get_str(val_map_key(profiles_map(c), i), NULL);
}

/* The index of profile NAME, or VAL_NPOS. */
static size_t profile_index(const config_t *c, const char *name)
{
    const val_t *p = profiles_map(c);
    return p ? val_map_index(p, name, strlen(name)) : VAL_NPOS;
}

bool config_has_profile(const config_t *c, const char *name)
{
    return profile_index(c, name) != VAL_NPOS;
}

uint32_t config_line(const config_t *c, const char *path)
{
    const yaml_place_t *pl = yaml_places_find(&c->places, path);
    return pl ? pl->key.line : 0;
}

size_t config_params(const config_t *c, const char *profile,
                     const config_param_t **out)
{
    size_t first = 0, n = c->n_params;
    if (c->profile_count) {
        size_t i = profile ? profile_index(c, profile) : VAL_NPOS;
        if (profile && i == VAL_NPOS)
            n = 0;
        else if (i != VAL_NPOS) {
            first = c->profile_first[i];
            n = c->profile_count[i];
        } else {
            n = c->profile_first[0];    /* the defaults come first */
        }
    } else if (profile) {
        n = 0;
    }
    *out = c->params + first;
    return n;
}

/* Appends the params of MAP (the settings at JSON pointer AT) to C. */
static mig_status_t take_params(config_t *c, const val_t *map, const char *at)
{
    const val_t *ps = config_get(map, "profile", "params");
    strbuf_t path;
    strbuf_init(&path);
    for (size_t i = 0; ps && i < val_len(ps); i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(ps, i), &len);
        path.len = 0;
        strbuf_printf(&path, "%s/params", at);
        val_pointer_key(&path, name, len);
        const yaml_place_t *pl = path.oom ? NULL
            : yaml_places_find(&c->places, path.data);
        if (!val_grow((void **)&c->params, &c->cap_params,
                      c->n_params, sizeof(*c->params)) || !pl) {
            strbuf_free(&path);
            return MIG_ENOMEM;
        }
        c->params[c->n_params++] = (config_param_t){
            .name = name, .value = val_map_value(ps, i), .key = pl->key,
            .at = pl->value };
    }
    strbuf_free(&path);
    return MIG_OK;
}

/* Gathers the params of every layer: the defaults', then each profile's,
 * so that config_params hands out a slice. */
static mig_status_t gather(config_t *c)
{
    size_t n = config_profile_count(c);
    c->profile_first = calloc(n + 1, sizeof(size_t));
    c->profile_count = calloc(n + 1, sizeof(size_t));
    mig_status_t st = c->profile_first && c->profile_count ? MIG_OK
                                                           : MIG_ENOMEM;
    if (st == MIG_OK)
        st = take_params(c, config_get(c->root, "top", "defaults"),
                         "/defaults");
    strbuf_t at;
    strbuf_init(&at);
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(profiles_map(c), i), &len);
        c->profile_first[i] = c->n_params;
        at.len = 0;
        strbuf_puts(&at, "/profiles");
        val_pointer_key(&at, name, len);
        st = at.oom ? MIG_ENOMEM
            : take_params(c, val_map_value(profiles_map(c), i), at.data);
        c->profile_count[i] = c->n_params - c->profile_first[i];
    }
    strbuf_free(&at);
    if (!n && c->profile_first)
        c->profile_first[0] = c->n_params;
    if (n == 0) {
        free(c->profile_count);
        c->profile_count = NULL;
    }
    return st;
}

mig_status_t config_load(const char *path, diag_list_t *diags,
                         config_t **out)
{
    *out = NULL;
    config_t *c = calloc(1, sizeof(*c));
    if (!c)
        return MIG_ENOMEM;
    mig_status_t st = src_load(path, diags, &c->src);
    if (st == MIG_OK) {
        c->path = strdup(path);
        const char *slash = strrchr(path, '/');
        c->dir = slash ? strndup(path, (size_t)(slash - path) + 1)
                       : strdup("");
        st = c->path && c->dir ? MIG_OK : MIG_ENOMEM;
    }
    if (st == MIG_OK)
        st = val_from_yaml_places(c->src, diags, &c->root, &c->places);
    if (st == MIG_OK)
        st = config_check(c, config_deprecations, diags);
    if (st == MIG_OK)
        st = gather(c);
    /* Errors point into C's source: it lives on until they are shown. */
    if (st == MIG_OK || st == MIG_EINVALID)
        *out = c;
    else
        config_free(c);
    return st;
}
