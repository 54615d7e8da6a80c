// CICU: the only place ipsearch touches the system ICU (libicuuc, libicui18n), zlib, zstd and libxml2.
// The name is older than its contents: besides ICU (word breaks, folding, charsets) it wraps zlib
// (CRC-32), zstd (the stored text) and libxml2 (HTML parsing), one MARK section each.
//
// Why a C shim: Swift's Foundation on Linux carries its own ICU module (_FoundationICU); importing
// the system <unicode/*.h> into Swift clashes with it. This header therefore exposes plain C types
// only (uint16_t UTF-16 buffers, int32_t offsets, opaque structs); ICU stays inside CICU.c.
#ifndef CICU_H
#define CICU_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Word break iterator

/// A reusable ICU word break iterator (root locale: dictionary segmentation for CJK).
/// Not thread-safe: use one per thread.
typedef struct cicu_breaker cicu_breaker;

/// Opens a word break iterator; NULL when ICU's break data is unavailable.
cicu_breaker *cicu_breaker_open(void);
void cicu_breaker_close(cicu_breaker *breaker);

/// Segments `text` and writes the [start, end) UTF-16 offsets of every word (rule status other than
/// UBRK_WORD_NONE: letters, numbers, ideographs, kana) into `starts`/`ends`.
/// Returns the number of words, or -(needed) when `capacity` is too small, or INT32_MIN on an ICU error.
int32_t cicu_breaker_words(cicu_breaker *breaker, const uint16_t *text, int32_t length,
                           int32_t *starts, int32_t *ends, int32_t capacity);

/// The bare break iterator: walks every boundary of `text` and returns how many it found
/// (the baseline the analyzer's throughput is measured against). Negative on error.
int64_t cicu_breaker_count(cicu_breaker *breaker, const uint16_t *text, int32_t length);

// MARK: Folding (NFKC_Casefold, then Traditional → Simplified)

/// Folds one code point: NFKC with case folding, then Traditional→Simplified (cicu_t2s_table) on
/// each resulting code point. Writes up to `capacity` code points into `out` and returns their count
/// (at most 18). Results are cached in a process-wide table filled on first use of each code point;
/// thread-safe.
int32_t cicu_fold_char(uint32_t c, uint32_t *out, int32_t capacity);

/* cicu_fold_char's cache, one cell per code point below CICU_FOLD_CACHE_SIZE: 0 = not folded yet,
   1 = folds to several code points, otherwise the single folded code point + 2. */
#define CICU_FOLD_CACHE_SIZE 0x40000
extern uint32_t cicu_fold_cache_cells[CICU_FOLD_CACHE_SIZE];
/// The single code point `c` folds to, read from the cache without a call; or UINT32_MAX when that
/// is not known yet or `c` folds to several (then call cicu_fold_char).
static inline uint32_t cicu_fold_cached(uint32_t c) {
    if (c >= CICU_FOLD_CACHE_SIZE) return UINT32_MAX;
    uint32_t cell = __atomic_load_n(&cicu_fold_cache_cells[c], __ATOMIC_RELAXED);
    return cell >= 2 ? cell - 2 : UINT32_MAX;
}

/// Traditional→Simplified of one code point from the built-in table generated from ICU's
/// Traditional-Simplified transform (tools/make_t2s_table.c); `c` itself when unchanged.
uint32_t cicu_t2s_table(uint32_t c);

/// The same through ICU's live transliterator (slow: for tests that check the table).
uint32_t cicu_t2s_live(uint32_t c);

/// Folds a chunk of UTF-16 text that must be normalized as a unit (a base character with its
/// combining marks). Returns the number of UTF-16 units written, or -1 on error.
int32_t cicu_fold_chunk(const uint16_t *src, int32_t length, uint16_t *dst, int32_t capacity);

/// 1 when NFKC_Casefold has a normalization boundary before `c` (it does not combine with what
/// precedes it), else 0.
int32_t cicu_boundary_before(uint32_t c);

// MARK: Charset detection and conversion

/// Up to `max` candidate charsets for `bytes`, best first (ICU charset detection). Names are
/// written NUL-terminated into `names`, `nameStride` bytes apart; confidences (0–100) into
/// `confidences`. Returns the number of candidates (0 when none), negative on error.
int32_t cicu_detect_charsets(const char *bytes, int32_t length, char *names, int32_t nameStride,
                             int32_t *confidences, int32_t max);

/// Converts `bytes` in `charset` to UTF-16, stopping at the first illegal or unmappable sequence.
/// Returns the number of UTF-16 units, -(needed) when `capacity` is too small, or INT32_MIN when the
/// input is not valid in that charset.
int32_t cicu_convert_to_utf16(const char *charset, const char *bytes, int32_t length,
                              uint16_t *dst, int32_t capacity);

/// Converts UTF-16 to `charset` (used by tests to make GB18030 / Big5 copies of documents).
/// Returns bytes written, -(needed) when too small, INT32_MIN on error.
int32_t cicu_convert_from_utf16(const char *charset, const uint16_t *src, int32_t length,
                                char *dst, int32_t capacity);

// MARK: CRC-32 (zlib)

/// CRC-32 (zlib's polynomial) of `length` bytes, continuing from `crc` (start with 0).
uint32_t cicu_crc32(uint32_t crc, const void *bytes, size_t length);

/* Atomic bit set shared by threads: whether bit `bit` of `words` is set (acquire), and set it (release).
   Inline, so that Swift's optimizer sees through them on hot paths. */
static inline int cicu_bit_test(const uint64_t *words, size_t bit) {
    return (__atomic_load_n(&words[bit >> 6], __ATOMIC_ACQUIRE) >> (bit & 63)) & 1;
}
static inline void cicu_bit_set(uint64_t *words, size_t bit) {
    __atomic_fetch_or(&words[bit >> 6], (uint64_t)1 << (bit & 63), __ATOMIC_RELEASE);
}

/* A 32-bit cell shared by threads that all store the same value into it (a cache of what an
   immutable file says): relaxed atomic load and store, so a reader sees 0 or the whole value. */
static inline uint32_t cicu_u32_load(const uint32_t *cell) { return __atomic_load_n(cell, __ATOMIC_RELAXED); }
static inline void cicu_u32_store(uint32_t *cell, uint32_t value) { __atomic_store_n(cell, value, __ATOMIC_RELAXED); }
static inline uint64_t cicu_u64_load(const uint64_t *cell) { return __atomic_load_n(cell, __ATOMIC_RELAXED); }
static inline void cicu_u64_store(uint64_t *cell, uint64_t value) { __atomic_store_n(cell, value, __ATOMIC_RELAXED); }

/* A hint that `address` will be read soon (a hash table's slot a few keys ahead): no effect on
   what the program computes, and no fault whatever the address. */
static inline void cicu_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// MARK: Stored text (zstd)

/// Upper bound of one compressed frame for `length` input bytes.
size_t cicu_compress_bound(size_t length);

/// A dictionary prepared for compression at one level (`ZSTD_CDict`, with zstd's dedicated
/// dictionary search): made once per indexing run and shared, read-only, by every segment writer's
/// compressor, from any thread. It keeps its own copy of the bytes.
typedef struct cicu_compression_dict cicu_compression_dict;
/// Prepares `dict` (a zstd dictionary, trained or raw content) for compressing at `level`; NULL
/// when zstd cannot allocate it or rejects the dictionary.
cicu_compression_dict *cicu_compression_dict_open(int level, const void *dict, size_t length);
void cicu_compression_dict_close(cicu_compression_dict *d);

/// A reusable zstd compression context, optionally with a prepared dictionary: one per segment
/// writer, so compressing a document allocates nothing. Frames carry neither a checksum (records
/// have a CRC-32) nor the content size (records state it); a trained dictionary's id is in the
/// frame, so decompressing with another trained dictionary fails.
typedef struct cicu_compressor cicu_compressor;
/// Opens a compressor at `level` (1–19; the dictionary's level) with `dict` (NULL: none), which
/// must outlive it; NULL when zstd cannot allocate it.
cicu_compressor *cicu_compressor_open(int level, const cicu_compression_dict *dict);
/// Compresses `length` bytes into one zstd frame in `dst`; returns bytes written or -1.
int64_t cicu_compressor_run(cicu_compressor *c, const void *src, size_t length, void *dst, size_t capacity);
void cicu_compressor_close(cicu_compressor *c);

/// A dictionary prepared for decompression (`ZSTD_DDict`), shared by every thread reading a segment.
/// It refers to `dict` without copying it: the bytes must outlive it (a segment's lie in its mapped
/// `.store`). NULL when zstd cannot allocate it or rejects the dictionary.
typedef struct cicu_decompression_dict cicu_decompression_dict;
cicu_decompression_dict *cicu_decompression_dict_open(const void *dict, size_t length);
void cicu_decompression_dict_close(cicu_decompression_dict *d);
/// Decompresses one frame into exactly `expected` bytes, with `dict` (NULL: the frame was made
/// without one); returns bytes written or -1 on corrupt input, a wrong dictionary or another size.
/// Each thread reuses its own decompression context.
int64_t cicu_decompress(const void *src, size_t length, const cicu_decompression_dict *dict, void *dst, size_t expected);

/// Trains a zstd dictionary of at most `capacity` bytes into `dict` from `count` samples stored one
/// after another in `samples` (`sizes[i]` bytes each); returns its length, or 0 when zstd cannot
/// make one of them (too few or too uniform samples).
size_t cicu_train_dictionary(void *dict, size_t capacity, const void *samples, const size_t *sizes, unsigned count);

// Makes the C allocator give blocks of `bytes` or more their own mappings, returned to the system
// when freed (glibc: a fixed M_MMAP_THRESHOLD instead of its dynamic one, which rose after the
// first large free and then kept later large blocks, such as zstd's tables for each segment
// written, in the heap, where freed room stayed resident). No effect elsewhere.
void cicu_map_large_blocks(size_t bytes);


// MARK: HTML (libxml2's HTML parser)

/// What cicu_html_extract finds in an HTML page. Every string is NUL-terminated UTF-8 allocated by
/// CICU (NULL when absent); release the whole struct with cicu_html_free.
typedef struct cicu_html {
    /// The visible text: block elements end lines (`<p>`, `<h1>`–`<h6>` with a blank line), `<br>` is a
    /// line break, table cells are separated by a space, whitespace collapsed as a browser does (a
    /// source line break between two CJK characters disappears), `<pre>` kept as written. Dropped:
    /// `<head>`, `<script>`, `<style>`, `<noscript>`, `<template>`, `<iframe>`, `<object>`, `<embed>`,
    /// `<svg>`, `<math>`, `<canvas>`, `<audio>`, `<video>`, form controls (`<select>`, `<textarea>`,
    /// `<button>`, `<input>`), `<nav>`, elements that are hidden (`hidden`, `aria-hidden="true"`,
    /// `display:none`/`visibility:hidden` inline styles) or that are site chrome: `role` navigation,
    /// banner, contentinfo or search, and `<header>`/`<footer>` outside `<article>`, `<aside>`,
    /// `<main>`, `<nav>` and `<section>` (the HTML-AAM rule for the banner/contentinfo landmarks: a
    /// header inside an article is the article's own and is kept).
    char *text;
    size_t text_length;
    /// `<title>`, whitespace collapsed.
    char *title;
    /// The first visible `<h1>`, whitespace collapsed.
    char *h1;
    /// `<meta property="og:title">`.
    char *og_title;
    /// The best publish time among the `<meta>` elements, as written, by priority:
    /// article:published_time, og:published_time / og:release_date, itemprop datePublished,
    /// PubDate / pubdate, publishdate, publish_date / publishtime / publish-date, firstpublishedtime,
    /// dc.date.issued, dc.date, date.
    char *published;
    /// `<meta property="og:site_name">`, else `<meta name="SiteName">`.
    char *site_name;
    /// `<meta name="source">`, else `<meta name="ContentSource">`.
    char *source;
    /// `<link rel="canonical">`, else `<meta property="og:url">`.
    char *canonical;
} cicu_html;

/// Parses `length` bytes of UTF-8 HTML (recovering from any tag soup: unclosed and misnested
/// elements still give text) and fills `out`. Encoding declarations inside the document are
/// ignored (decode to UTF-8 first), no network access, nothing printed. Returns 0, or -1 when the
/// input is too large for libxml2 (over INT_MAX bytes) or memory ran out (then `out` is empty).
/// Thread-safe.
int32_t cicu_html_extract(const char *utf8, size_t length, cicu_html *out);

/// Frees every string of `html` and sets them to NULL.
void cicu_html_free(cicu_html *html);

/// The offset of the first occurrence of `needle` in `haystack`, or -1 (glibc's memmem: the
/// metadata scans look for a few labels in every document).
int64_t cicu_find_bytes(const void *haystack, size_t length, const void *needle, size_t needle_length);

#ifdef __cplusplus
}
#endif
#endif
