/*
** arena.c — bump allocator.  Blocks are chained; a request larger than a
** block gets a block of its own.  Everything is released by arena_free().
**
** An arena's first blocks are 64 KiB from malloc; once it has used those,
** each further block is 2 MiB of its own mapping, aligned and marked for
** transparent huge pages (MADV_HUGEPAGE), so that the kernel backs it with
** one huge page where it can.  A big arena (the models' syntax trees, a
** schema of 10,000 tables) then costs one page fault per 2 MiB instead of
** one per 4 KiB: at 1,000 tables, 4 KiB faults were a third of a no-change
** autogenerate's CPU time.  Small arenas (most of them) never map one.
** Freed mapped blocks are kept for later arenas (see block_release).
**
** Under AddressSanitizer, memory an arena has not handed out, or has taken
** back (arena_reset, a cached block), is poisoned: a pointer kept past a
** reset is reported where it is used, as one kept past arena_free is.
*/
#include "util/util.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define poison(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define poison(p, n) ((void)(p), (void)(n))
#define unpoison(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_BLOCK_SIZE (64 * 1024)
#define ARENA_SMALL_BLOCKS 4                /* malloc'd blocks before mapped ones */
#define ARENA_MAPPED_SIZE (2 * 1024 * 1024) /* one huge page */
#define ARENA_ALIGN 8        /* enough for every type retort keeps in an arena */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    /* From data[max(dirty, used)] on the block is zero: a mapped block
    ** comes from the kernel zeroed (dirty 0), so arena_alloc clears only
    ** what an earlier life of the block wrote (a cached or reset block);
    ** of a malloc'd block nothing is known (dirty = size). */
    size_t dirty;
    bool mapped;                /* from mmap (ARENA_MAPPED_SIZE in all), else malloc */
    _Alignas(16) unsigned char data[];
} arena_block;

struct arena {
    arena_block *head;
    size_t blocks;              /* chained blocks of the ordinary size or mapped */
};

void util_oom(void) {
    fputs("retort: out of memory\n", stderr);
    abort();
}

/* glibc's free heap goes back to the kernel only when there is enough of it
** to matter at the peak: trimming gives back every free page, and each one
** handed out again faults back in (about 10 microseconds a fault on this
** project's machines; at 1,000 tables, where SQLite frees 4.5 MB, the
** trims were a tenth of a no-change run's CPU time).  Smaller free space is
** kept for the allocations that follow.  glibc's count of free bytes still
** holds pages already given back, so once a large heap has been trimmed,
** later calls trim again: what they free is what large runs give back. */
#define HEAP_TRIM_MIN ((size_t)8 << 20)

void util_trim_heap(void) {
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 33)
    if (mallinfo2().fordblks >= HEAP_TRIM_MIN) malloc_trim(0);
#elif defined(__GLIBC__)
    malloc_trim(0);
#endif
}

static arena_block *block_new(size_t size) {
    arena_block *b = malloc(sizeof *b + size);
    if (!b) util_oom();
    b->next = NULL;
    b->used = 0;
    b->size = size;
    b->dirty = size;
    b->mapped = false;
    poison(b->data, size);
    return b;
}

/* Mapped blocks an arena gave back, for the next arenas: the kernel zeroes
** each new huge page (about a millisecond here), and a run frees the
** models' syntax trees just before it reads the database into new arenas.
** At most ARENA_CACHE_MAX of them are kept (8 MiB), the rest unmapped: a
** cached block is resident memory no arena uses, and at 10,000 tables a
** cache of 64 MiB outlived the trees and set a no-change run's peak (the
** blocks the database's schema needed were all taken from it, and the
** rest stayed). */
#define ARENA_CACHE_MAX 4
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static arena_block *cache_head;
static size_t cache_len;

static arena_block *cached_block(void) {
    pthread_mutex_lock(&cache_lock);
    arena_block *b = cache_head;
    if (b) {
        cache_head = b->next;
        cache_len--;
    }
    pthread_mutex_unlock(&cache_lock);
    if (b) {
        b->next = NULL;
        b->used = 0;            /* its dirty was set when it was given back */
    }
    return b;
}

/* ARENA_MAPPED_SIZE bytes aligned on their size (a huge page needs that),
** block header included; a malloc'd block when mapping fails. */
static arena_block *block_mapped(void) {
    arena_block *cached = cached_block();
    if (cached) return cached;
    size_t span = 2 * (size_t)ARENA_MAPPED_SIZE;
    unsigned char *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return block_new(ARENA_BLOCK_SIZE);
    uintptr_t start = ((uintptr_t)p + ARENA_MAPPED_SIZE - 1) & ~(uintptr_t)(ARENA_MAPPED_SIZE - 1);
    unsigned char *aligned = (unsigned char *)start;
    if (aligned > p) munmap(p, (size_t)(aligned - p));
    size_t tail = (size_t)(p + span - (aligned + ARENA_MAPPED_SIZE));
    if (tail) munmap(aligned + ARENA_MAPPED_SIZE, tail);
#ifdef MADV_HUGEPAGE
    madvise(aligned, ARENA_MAPPED_SIZE, MADV_HUGEPAGE);
#endif
    arena_block *b = (arena_block *)aligned;
    b->next = NULL;
    b->used = 0;
    b->size = ARENA_MAPPED_SIZE - sizeof *b;
    b->dirty = 0;               /* fresh from mmap */
    b->mapped = true;
    poison(b->data, b->size);
    return b;
}

/* What b's life so far has written: all of it below the larger of the
** two marks. */
static void block_mark_dirty(arena_block *b) {
    if (b->used > b->dirty) b->dirty = b->used;
}

static void block_release(arena_block *b) {
    if (!b->mapped) {
        free(b);
        return;
    }
    block_mark_dirty(b);
    poison(b->data, b->size);
    pthread_mutex_lock(&cache_lock);
    bool kept = cache_len < ARENA_CACHE_MAX;
    if (kept) {
        b->next = cache_head;
        cache_head = b;
        cache_len++;
    }
    pthread_mutex_unlock(&cache_lock);
    if (!kept) {
        unpoison(b->data, b->size);     /* the next mapping there is not the arena's */
        munmap(b, ARENA_MAPPED_SIZE);
    }
}

arena *arena_new(void) {
    arena *a = malloc(sizeof *a);
    if (!a) util_oom();
    a->head = block_new(ARENA_BLOCK_SIZE);
    a->blocks = 1;
    return a;
}

void arena_free(arena *a) {
    if (!a) return;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        block_release(b);
        b = next;
    }
    free(a);
}

/* Every block but the first (the tail of the chain: new blocks, big ones
** included, go in front of it) is released; the first is emptied. */
void arena_reset(arena *a) {
    arena_block *b = a->head;
    while (b->next) {
        arena_block *next = b->next;
        block_release(b);
        b = next;
    }
    block_mark_dirty(b);
    b->used = 0;
    poison(b->data, b->size);
    a->head = b;
    a->blocks = 1;
}

size_t arena_used(const arena *a) {
    size_t used = 0;
    for (const arena_block *b = a->head; b; b = b->next) used += b->used;
    return used;
}

/* The request does not fit in the current block: a block of its own when
** it is big, behind the current one so the current block's free space is
** not wasted; else a new current block.  Out of line, so that the common
** case below inlines into every caller: a no-change diff of 1,000 tables
** makes 400,000 allocations, and inlining took its count from 588.7 M to
** 584.8 M instructions (Release, callgrind). */
static __attribute__((noinline)) void *alloc_in_new_block(arena *a, size_t size, size_t *dirty) {
    if (size > ARENA_BLOCK_SIZE / 4) {
        arena_block *big = block_new(size);
        arena_block *b = a->head;
        big->next = b->next;
        b->next = big;
        big->used = size;
        if (dirty) *dirty = size;
        unpoison(big->data, size);
        return big->data;
    }
    arena_block *b = a->blocks < ARENA_SMALL_BLOCKS ? block_new(ARENA_BLOCK_SIZE) : block_mapped();
    b->next = a->head;
    a->head = b;
    a->blocks++;
    b->used = size;
    unpoison(b->data, size);
    if (dirty) *dirty = b->dirty < size ? b->dirty : size;
    return b->data;
}

/* size bytes at an address that is a multiple of align (1 for strings,
** which need none, else ARENA_ALIGN), not zeroed: *dirty (when non-NULL)
** gets how many of its first bytes may be other than zero. */
static inline void *alloc_raw_dirty(arena *a, size_t size, size_t align, size_t *dirty) {
    if (size == 0) size = 1;
    arena_block *b = a->head;
    size_t at = (b->used + align - 1) & ~(align - 1);
    if (__builtin_expect(at > b->size || b->size - at < size, 0)) return alloc_in_new_block(a, size, dirty);
    void *p = b->data + at;
    b->used = at + size;
    unpoison(p, size);
    if (dirty) *dirty = at >= b->dirty ? 0 : b->dirty - at < size ? b->dirty - at : size;
    return p;
}

static inline void *alloc_raw_aligned(arena *a, size_t size, size_t align) {
    return alloc_raw_dirty(a, size, align, NULL);
}

void *arena_alloc(arena *a, size_t size) {
    size_t dirty;
    void *p = alloc_raw_dirty(a, size, ARENA_ALIGN, &dirty);
    if (dirty) memset(p, 0, dirty);
    return p;
}

/* The vectors (vec_push) double their storage: when it is the last thing
** allocated from the current block and the block has room, it grows where
** it is, instead of being copied and abandoned (half of every vector's
** memory otherwise). */
void *arena_grow(arena *a, void *old, size_t old_size, size_t new_size) {
    arena_block *b = a->head;
    if (old && old_size && new_size > old_size && (unsigned char *)old + old_size == b->data + b->used &&
        new_size - old_size <= b->size - b->used) {
        size_t at = b->used, grow = new_size - old_size;
        b->used += grow;
        unpoison((unsigned char *)old + old_size, grow);
        if (at < b->dirty) memset((unsigned char *)old + old_size, 0, b->dirty - at < grow ? b->dirty - at : grow);
        return old;
    }
    size_t dirty;
    void *p = alloc_raw_dirty(a, new_size, ARENA_ALIGN, &dirty);
    size_t kept = old && old_size ? (old_size < new_size ? old_size : new_size) : 0;
    if (kept) memcpy(p, old, kept);
    if (dirty > kept) memset((unsigned char *)p + kept, 0, dirty - kept);
    return p;
}

char *arena_strcopy(arena *a, const char *s, size_t n) {
    char *p = alloc_raw_aligned(a, n + 1, 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
    return s ? arena_strcopy(a, s, strnlen(s, n)) : NULL;
}

char *arena_string_room(arena *a, size_t n) {
    char *p = alloc_raw_aligned(a, n + 1, 1);
    p[0] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;                   /* once: not again in arena_strndup's strnlen */
    char *p = alloc_raw_aligned(a, n, 1);
    memcpy(p, s, n);
    return p;
}

char *arena_strjoin(arena *a, ...) {
    va_list ap;
    size_t n = 0;
    va_start(ap, a);
    for (const char *s; (s = va_arg(ap, const char *));) n += strlen(s);
    va_end(ap);
    char *p = alloc_raw_aligned(a, n + 1, 1), *w = p;
    va_start(ap, a);
    for (const char *s; (s = va_arg(ap, const char *));) {
        size_t k = strlen(s);
        memcpy(w, s, k);
        w += k;
    }
    va_end(ap);
    *w = '\0';
    return p;
}

char *arena_path_join(arena *a, const char *dir, const char *name) { return arena_strjoin(a, dir, "/", name, NULL); }

/* One formatting pass when the text fits in the current block's free
** space (nearly always): printed there, then the space is taken. */
char *arena_vprintf(arena *a, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    arena_block *b = a->head;
    size_t room = b->size - b->used;
    char *p = (char *)b->data + b->used;
    unpoison(p, room);
    int n = vsnprintf(p, room, fmt, ap2);
    va_end(ap2);
    poison(p, room);                /* what is taken is unpoisoned again below */
    /* It wrote past used, where the block may count on zeros (dirty). */
    size_t wrote = n < 0 || (size_t)n >= room ? room : (size_t)n + 1;
    if (b->used + wrote > b->dirty) b->dirty = b->used + wrote;
    if (n < 0) {                                    /* an encoding error: nothing */
        p = alloc_raw_aligned(a, 1, 1);
        *p = '\0';
        return p;
    }
    if ((size_t)n < room) return alloc_raw_aligned(a, (size_t)n + 1, 1);  /* where it was printed */
    p = alloc_raw_aligned(a, (size_t)n + 1, 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
