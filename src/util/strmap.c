/*
** strmap.c — open-addressing hash map, string keys, arena storage.
** Keys are not copied: they must live as long as the map (arena strings).
*/
#include "util/util.h"

#include <stdint.h>
#include <string.h>

typedef struct { const char *key; void *value; } strmap_slot;

struct strmap {
    arena *arena;
    strmap_slot *slots;
    size_t cap, count;   /* cap is a power of two */
};

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;          /* FNV-1a */
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ULL; }
    return h;
}

strmap *strmap_new(arena *a) {
    strmap *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    m->cap = 16;
    m->slots = arena_alloc(a, m->cap * sizeof *m->slots);
    return m;
}

static strmap_slot *find_slot(strmap_slot *slots, size_t cap, const char *key) {
    size_t i = (size_t)hash_str(key) & (cap - 1);
    while (slots[i].key && strcmp(slots[i].key, key) != 0) i = (i + 1) & (cap - 1);
    return &slots[i];
}

void *strmap_get(const strmap *m, const char *key) {
    if (!key) return NULL;
    strmap_slot *s = find_slot(m->slots, m->cap, key);
    return s->key ? s->value : NULL;
}

void *strmap_put(strmap *m, const char *key, void *value) {
    if ((m->count + 1) * 4 > m->cap * 3) {
        size_t ncap = m->cap * 2;
        strmap_slot *ns = arena_alloc(m->arena, ncap * sizeof *ns);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key) *find_slot(ns, ncap, m->slots[i].key) = m->slots[i];
        m->slots = ns;
        m->cap = ncap;
    }
    strmap_slot *s = find_slot(m->slots, m->cap, key);
    void *old = s->key ? s->value : NULL;
    if (!s->key) { s->key = key; m->count++; }
    s->value = value;
    return old;
}

size_t strmap_count(const strmap *m) { return m->count; }
