// The ICU, zlib, zstd and libxml2 side of CICU.h. See the header for why this shim exists.
#include "CICU.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_createDDict_byReference, ZSTD_createCDict_advanced2 (exported by libzstd.so)
#define ZDICT_STATIC_LINKING_ONLY  // ZDICT_trainFromBuffer_fastCover
#include <zdict.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <limits.h>
#include <zlib.h>
#include <zstd.h>

#include "t2s_table.h"

// MARK: Word break iterator

struct cicu_breaker {
    UBreakIterator *bi;
};

cicu_breaker *cicu_breaker_open(void) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status) || bi == NULL) return NULL;
    cicu_breaker *b = malloc(sizeof *b);
    if (!b) { ubrk_close(bi); return NULL; }
    b->bi = bi;
    return b;
}

void cicu_breaker_close(cicu_breaker *b) {
    if (!b) return;
    ubrk_close(b->bi);
    free(b);
}

int32_t cicu_breaker_words(cicu_breaker *b, const uint16_t *text, int32_t length,
                           int32_t *starts, int32_t *ends, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(b->bi, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return INT32_MIN;
    int32_t count = 0;
    int32_t start = ubrk_first(b->bi);
    for (int32_t end = ubrk_next(b->bi); end != UBRK_DONE; start = end, end = ubrk_next(b->bi)) {
        if (ubrk_getRuleStatus(b->bi) == UBRK_WORD_NONE) continue;  // spaces, punctuation
        if (count < capacity) { starts[count] = start; ends[count] = end; }
        count++;
    }
    // Detach the caller's buffer so the iterator never outlives it.
    ubrk_setText(b->bi, (const UChar *)u"", 0, &status);
    return count <= capacity ? count : -count;
}

int64_t cicu_breaker_count(cicu_breaker *b, const uint16_t *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(b->bi, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    int64_t count = 0;
    for (int32_t p = ubrk_first(b->bi); p != UBRK_DONE; p = ubrk_next(b->bi)) {
        if (ubrk_getRuleStatus(b->bi) != UBRK_WORD_NONE) count++;
    }
    ubrk_setText(b->bi, (const UChar *)u"", 0, &status);
    return count;
}

// MARK: Folding

static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static const UNormalizer2 *nfkc_cf;

// Cache of single-code-point folds: 0 = not computed yet; 1 = "expands to several code points,
// recompute"; otherwise (result + 2). Covers the BMP and the supplementary ideographic planes.
#define FOLD_CACHE_SIZE CICU_FOLD_CACHE_SIZE
uint32_t cicu_fold_cache_cells[FOLD_CACHE_SIZE];

static void fold_init(void) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) nfkc_cf = NULL;
}

// Traditional→Simplified of one code point, from the generated table (binary search).
static UChar32 t2s(UChar32 c) {
    if (c < 0x2E80) return c;
    int32_t lo = 0, hi = cicu_t2s_count;
    while (lo < hi) {
        int32_t mid = (lo + hi) / 2;
        if ((UChar32)cicu_t2s_pairs[mid][0] < c) lo = mid + 1; else hi = mid;
    }
    return lo < cicu_t2s_count && (UChar32)cicu_t2s_pairs[lo][0] == c ? (UChar32)cicu_t2s_pairs[lo][1] : c;
}

uint32_t cicu_t2s_live(uint32_t c) {
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static UTransliterator *live;
    pthread_mutex_lock(&lock);
    if (!live) {
        UErrorCode status = U_ZERO_ERROR;
        UChar id[32];
        u_uastrcpy(id, "Traditional-Simplified");
        live = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
        if (U_FAILURE(status)) live = NULL;
    }
    uint32_t result = c;
    if (live) {
        UChar buf[16];
        int32_t len = 0;
        U16_APPEND_UNSAFE(buf, len, (UChar32)c);
        int32_t limit = len;
        UErrorCode status = U_ZERO_ERROR;
        utrans_transUChars(live, buf, &len, 16, 0, &limit, &status);
        UChar32 d;
        int32_t i = 0;
        if (U_SUCCESS(status)) {
            U16_NEXT(buf, i, len, d);
            if (i == len) result = (uint32_t)d;
        }
    }
    pthread_mutex_unlock(&lock);
    return result;
}

uint32_t cicu_t2s_table(uint32_t c) { return (uint32_t)t2s((UChar32)c); }

// Full fold of a UTF-16 chunk: NFKC_Casefold, then Traditional-Simplified per code point.
static int32_t fold_uncached(const UChar *src, int32_t length, UChar *dst, int32_t capacity) {
    pthread_once(&fold_once, fold_init);
    UChar norm[64];
    int32_t n;
    if (nfkc_cf) {
        UErrorCode status = U_ZERO_ERROR;
        n = unorm2_normalize(nfkc_cf, src, length, norm, 64, &status);
        if (U_FAILURE(status)) return -1;
    } else {
        if (length > 64) return -1;
        memcpy(norm, src, (size_t)length * sizeof(UChar));
        n = length;
    }
    // Traditional→Simplified one code point at a time, so the result never depends on context
    // (a query and a document fold each character identically).
    int32_t out = 0;
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U16_NEXT(norm, i, n, c);
        c = t2s(c);
        if (out + U16_LENGTH(c) > capacity) return -1;
        U16_APPEND_UNSAFE(dst, out, c);
    }
    return out;
}

int32_t cicu_fold_chunk(const uint16_t *src, int32_t length, uint16_t *dst, int32_t capacity) {
    return fold_uncached((const UChar *)src, length, (UChar *)dst, capacity);
}

int32_t cicu_fold_char(uint32_t c, uint32_t *out, int32_t capacity) {
    if (capacity < 1) return -1;
    if (c < FOLD_CACHE_SIZE) {
        uint32_t cached = __atomic_load_n(&cicu_fold_cache_cells[c], __ATOMIC_RELAXED);
        if (cached >= 2) { out[0] = cached - 2; return 1; }
    }
    UChar src[2], dst[64];
    int32_t len = 0;
    U16_APPEND_UNSAFE(src, len, (UChar32)c);
    int32_t n = fold_uncached(src, len, dst, 64);
    if (n < 0) { out[0] = c; return 1; }
    int32_t count = 0;
    for (int32_t i = 0; i < n && count < capacity;) {
        UChar32 d;
        U16_NEXT(dst, i, n, d);
        out[count++] = (uint32_t)d;
    }
    if (c < FOLD_CACHE_SIZE) {
        uint32_t value = count == 1 ? out[0] + 2 : 1;
        __atomic_store_n(&cicu_fold_cache_cells[c], value, __ATOMIC_RELAXED);
    }
    return count;
}

int32_t cicu_boundary_before(uint32_t c) {
    pthread_once(&fold_once, fold_init);
    if (!nfkc_cf) return 1;
    return unorm2_hasBoundaryBefore(nfkc_cf, (UChar32)c) ? 1 : 0;
}

// MARK: Charset detection and conversion

int32_t cicu_detect_charsets(const char *bytes, int32_t length, char *names, int32_t nameStride,
                             int32_t *confidences, int32_t max) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&status);
    if (U_FAILURE(status)) return -1;
    ucsdet_setText(det, bytes, length, &status);
    int32_t found = 0;
    const UCharsetMatch **matches = ucsdet_detectAll(det, &found, &status);
    if (U_FAILURE(status)) { ucsdet_close(det); return 0; }  // nothing recognisable
    int32_t count = 0;
    for (int32_t i = 0; i < found && count < max; i++) {
        UErrorCode s = U_ZERO_ERROR;
        const char *name = ucsdet_getName(matches[i], &s);
        int32_t conf = ucsdet_getConfidence(matches[i], &s);
        if (U_FAILURE(s) || !name) continue;
        strncpy(names + (size_t)count * (size_t)nameStride, name, (size_t)nameStride - 1);
        names[(size_t)count * (size_t)nameStride + (size_t)nameStride - 1] = 0;
        confidences[count] = conf;
        count++;
    }
    ucsdet_close(det);
    return count;
}

static UConverter *open_strict(const char *charset) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(charset, &status);
    if (U_FAILURE(status)) return NULL;
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    if (U_FAILURE(status)) { ucnv_close(cnv); return NULL; }
    return cnv;
}

int32_t cicu_convert_to_utf16(const char *charset, const char *bytes, int32_t length,
                              uint16_t *dst, int32_t capacity) {
    UConverter *cnv = open_strict(charset);
    if (!cnv) return INT32_MIN;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = ucnv_toUChars(cnv, (UChar *)dst, capacity, bytes, length, &status);
    ucnv_close(cnv);
    if (status == U_BUFFER_OVERFLOW_ERROR) return -n;
    if (U_FAILURE(status)) return INT32_MIN;
    return n;
}

int32_t cicu_convert_from_utf16(const char *charset, const uint16_t *src, int32_t length,
                                char *dst, int32_t capacity) {
    UConverter *cnv = open_strict(charset);
    if (!cnv) return INT32_MIN;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = ucnv_fromUChars(cnv, dst, capacity, (const UChar *)src, length, &status);
    ucnv_close(cnv);
    if (status == U_BUFFER_OVERFLOW_ERROR) return -n;
    if (U_FAILURE(status)) return INT32_MIN;
    return n;
}

// MARK: CRC-32 (zlib)

uint32_t cicu_crc32(uint32_t crc, const void *bytes, size_t length) {
    const unsigned char *p = bytes;
    uLong c = crc;
    while (length > 0) {
        uInt chunk = length > 0x40000000 ? 0x40000000 : (uInt)length;
        c = crc32(c, p, chunk);
        p += chunk;
        length -= chunk;
    }
    return (uint32_t)c;
}

// MARK: Stored text (zstd)

size_t cicu_compress_bound(size_t length) { return ZSTD_compressBound(length); }

struct cicu_compression_dict {
    ZSTD_CDict *cdict;
};

cicu_compression_dict *cicu_compression_dict_open(int level, const void *dict, size_t length) {
    if (!dict || length == 0) return NULL;
    cicu_compression_dict *d = calloc(1, sizeof *d);
    ZSTD_CCtx_params *params = ZSTD_createCCtxParams();
    if (!d || !params) { free(d); ZSTD_freeCCtxParams(params); return NULL; }
    // The dedicated dictionary search lays the dictionary's tables out for lookups from small
    // inputs: at level 7 and the same speed, the scale corpus's texts after the first 16 MB take
    // 19.7% of their size instead of 22.0% against a 4 MB trained dictionary.
    int ok = !ZSTD_isError(ZSTD_CCtxParams_init(params, level)) &&
             !ZSTD_isError(ZSTD_CCtxParams_setParameter(params, ZSTD_c_enableDedicatedDictSearch, 1));
    if (ok) d->cdict = ZSTD_createCDict_advanced2(dict, length, ZSTD_dlm_byCopy, ZSTD_dct_auto, params, ZSTD_defaultCMem);
    ZSTD_freeCCtxParams(params);
    if (!d->cdict) { free(d); return NULL; }
    return d;
}

void cicu_compression_dict_close(cicu_compression_dict *d) {
    if (!d) return;
    ZSTD_freeCDict(d->cdict);
    free(d);
}

struct cicu_compressor {
    ZSTD_CCtx *cctx;
};

cicu_compressor *cicu_compressor_open(int level, const cicu_compression_dict *dict) {
    cicu_compressor *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cctx = ZSTD_createCCtx();
    if (!c->cctx) { free(c); return NULL; }
    int ok = !ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel, level)) &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 0)) &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_contentSizeFlag, 0));
    if (ok && dict) ok = !ZSTD_isError(ZSTD_CCtx_refCDict(c->cctx, dict->cdict));
    if (!ok) {
        cicu_compressor_close(c);
        return NULL;
    }
    return c;
}

int64_t cicu_compressor_run(cicu_compressor *c, const void *src, size_t length, void *dst, size_t capacity) {
    // ZSTD_compress2 starts a new frame; the parameters and the referenced dictionary stay.
    size_t n = ZSTD_compress2(c->cctx, dst, capacity, src, length);
    return ZSTD_isError(n) ? -1 : (int64_t)n;
}

void cicu_compressor_close(cicu_compressor *c) {
    if (!c) return;
    ZSTD_freeCCtx(c->cctx);
    free(c);
}

struct cicu_decompression_dict {
    ZSTD_DDict *ddict;
};

cicu_decompression_dict *cicu_decompression_dict_open(const void *dict, size_t length) {
    if (!dict || length == 0) return NULL;
    cicu_decompression_dict *d = malloc(sizeof *d);
    if (!d) return NULL;
    d->ddict = ZSTD_createDDict_byReference(dict, length);
    if (!d->ddict) { free(d); return NULL; }
    return d;
}

void cicu_decompression_dict_close(cicu_decompression_dict *d) {
    if (!d) return;
    ZSTD_freeDDict(d->ddict);
    free(d);
}

// One decompression context per thread: creating one (about 100 KB of tables) would otherwise be
// paid by every snippet. It lives as long as its thread.
static __thread ZSTD_DCtx *tls_dctx;

int64_t cicu_decompress(const void *src, size_t length, const cicu_decompression_dict *dict, void *dst, size_t expected) {
    if (!tls_dctx) {
        tls_dctx = ZSTD_createDCtx();
        if (!tls_dctx) return -1;
    }
    size_t n = dict ? ZSTD_decompress_usingDDict(tls_dctx, dst, expected, src, length, dict->ddict)
                    : ZSTD_decompressDCtx(tls_dctx, dst, expected, src, length);
    if (ZSTD_isError(n) || n != expected) return -1;
    return (int64_t)n;
}

size_t cicu_train_dictionary(void *dict, size_t capacity, const void *samples, const size_t *sizes, unsigned count) {
    // FastCover with fixed parameters, on every sample. `ZDICT_trainFromBuffer` searches five
    // segment sizes `k`, training on three quarters of the samples and compressing the rest for
    // each: about 8 s of one core for 16 MB of samples. Its search picks k = 1024 on this project's
    // corpora; trained once with it on all the samples, the dictionary takes 2–4 s and compresses
    // the texts that follow a little better (22.03% of their size instead of 22.22% at level 7, on
    // the 25 MB of the scale corpus after its first 16 MB).
    ZDICT_fastCover_params_t params;
    memset(&params, 0, sizeof params);
    params.k = 1024;
    params.d = 8;
    params.f = 20;
    params.accel = 1;
    params.splitPoint = 1.0;
    params.zParams.compressionLevel = 3;  // what the search used to finalize the dictionary
    size_t n = ZDICT_trainFromBuffer_fastCover(dict, capacity, samples, sizes, count, params);
    return ZDICT_isError(n) ? 0 : n;
}

void cicu_map_large_blocks(size_t bytes) {
#ifdef __GLIBC__
    if (bytes <= (size_t)INT_MAX) mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
#endif
}

// MARK: HTML (libxml2)
//
// The HTML side of CICU.h: libxml2 parses (with recovery, so any tag soup gives a tree), this code
// walks the tree once, iteratively (no recursion, whatever the nesting), writing the visible text
// and noting the title, the first <h1>, the <meta> values and the canonical link.

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <strings.h>

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} html_buf;

static void hb_reserve(html_buf *b, size_t extra) {
    if (b->oom) return;
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) { b->oom = 1; return; }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return; }
    b->p = p;
    b->cap = cap;
}

static void hb_append(html_buf *b, const char *s, size_t n) {
    hb_reserve(b, n);
    if (b->oom) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/// Decodes the UTF-8 code point at `s` (at most `n` bytes); its length in *len (1 on bad input).
static uint32_t html_decode(const unsigned char *s, size_t n, size_t *len) {
    unsigned char c = s[0];
    *len = 1;
    if (c < 0x80) return c;
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (need == 1 || need > n) return 0xFFFD;
    uint32_t v = c & (0x3F >> (need - 1));
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0xFFFD;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *len = need;
    return v;
}

/// Wide East Asian characters, between which a source line break is not a space (CSS Text 3,
/// segment break transformation).
static int html_is_wide(uint32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

static int html_is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/// The visible-text writer: whitespace runs collapse to one pending space, blocks request line
/// breaks that are written only before the next text (so nothing leads or trails).
typedef struct {
    html_buf out;
    int pending_space;    // a whitespace run since the last character
    int space_had_break;  // ... that contained a source line break
    int pending_breaks;   // line breaks requested by block boundaries (max 2)
    uint32_t last;        // last code point written (0 at a line start)
} html_writer;

static size_t hw_trailing_newlines(const html_writer *w) {
    size_t n = 0;
    while (n < w->out.len && w->out.p[w->out.len - 1 - n] == '\n') n++;
    return n;
}

static void hw_break(html_writer *w, int n) {
    if (n > w->pending_breaks) w->pending_breaks = n;
    w->pending_space = 0;
}

static void hw_flush_breaks(html_writer *w) {
    if (w->pending_breaks > 0 && w->out.len > 0) {
        size_t have = hw_trailing_newlines(w);
        while (have < (size_t)w->pending_breaks) { hb_append(&w->out, "\n", 1); have++; }
        w->last = 0;
    }
    w->pending_breaks = 0;
}

/// `<br>`: a line break of its own (two in a row make a blank line, never more).
static void hw_line_break(html_writer *w) {
    if (w->out.len == 0) return;
    hw_flush_breaks(w);
    if (hw_trailing_newlines(w) < 2) hb_append(&w->out, "\n", 1);
    w->pending_space = 0;
    w->last = 0;
}

static void hw_text(html_writer *w, const unsigned char *s, size_t n, int pre) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (pre) {
            // Preformatted: every character as written, CR LF and CR as LF.
            i++;
            if (c == '\r') {
                if (i < n && s[i] == '\n') i++;
                c = '\n';
            }
            hw_flush_breaks(w);
            hb_append(&w->out, (const char *)&c, 1);
            w->last = c == '\n' ? 0 : c;
            w->pending_space = 0;
            continue;
        }
        if (html_is_space(c)) {
            w->pending_space = 1;
            if (c == '\n' || c == '\r') w->space_had_break = 1;
            i++;
            continue;
        }
        size_t len;
        uint32_t cp = html_decode(s + i, n - i, &len);
        if (cp == 0xA0) {  // &nbsp; (indentation, spacing): a space like any other
            w->pending_space = 1;
            i += len;
            continue;
        }
        if (w->pending_breaks > 0 && w->out.len > 0) {
            hw_flush_breaks(w);
        } else if (w->pending_space && w->last != 0) {
            if (!(w->space_had_break && html_is_wide(w->last) && html_is_wide(cp))) hb_append(&w->out, " ", 1);
        }
        w->pending_breaks = 0;
        w->pending_space = 0;
        w->space_had_break = 0;
        hb_append(&w->out, (const char *)s + i, len);
        w->last = cp;
        i += len;
    }
}

static int html_name_is(const xmlNode *n, const char *name) {
    return n->name && strcasecmp((const char *)n->name, name) == 0;
}

static int html_in_list(const xmlNode *n, const char *const *names) {
    if (!n->name) return 0;
    for (; *names; names++)
        if (strcasecmp((const char *)n->name, *names) == 0) return 1;
    return 0;
}

static const char *const html_dropped[] = {
    "head", "title", "script", "style", "noscript", "template", "iframe", "frame", "object", "embed", "applet",
    "svg", "math", "canvas", "audio", "video", "select", "textarea", "button", "input", "nav", "datalist",
    "map", "dialog", NULL};
static const char *const html_paragraphs[] = {"p", "h1", "h2", "h3", "h4", "h5", "h6", NULL};
static const char *const html_blocks[] = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "frameset", "header", "hgroup", "hr", "html", "legend",
    "li", "listing", "main", "menu", "ol", "plaintext", "pre", "section", "summary", "table", "tbody", "thead",
    "tfoot", "tr", "ul", "xmp", "caption", "option", NULL};
static const char *const html_preformatted[] = {"pre", "listing", "xmp", "plaintext", "textarea", NULL};
static const char *const html_sectioning[] = {"article", "aside", "main", "nav", "section", NULL};

/// An attribute's value (xmlFree it), or NULL.
static char *html_attr(const xmlNode *n, const char *name) {
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/// Lowercase ASCII copy of `s` for matching (at most cap-1 bytes).
static void html_lower(const char *s, char *dst, size_t cap) {
    size_t i = 0;
    for (; s && s[i] && i + 1 < cap; i++) {
        char c = s[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    dst[i] = 0;
}

/// Whether an element is hidden or is site chrome by its attributes.
static int html_hidden(const xmlNode *n) {
    int hidden = 0;
    if (xmlHasProp(n, (const xmlChar *)"hidden")) return 1;
    char *v = html_attr(n, "aria-hidden");
    if (v) { hidden = strcasecmp(v, "true") == 0; xmlFree(v); }
    if (hidden) return 1;
    v = html_attr(n, "style");
    if (v) {
        char low[512];
        html_lower(v, low, sizeof low);
        size_t j = 0;  // squeeze spaces: "display: none" → "display:none"
        for (size_t i = 0; low[i]; i++) if (!html_is_space((unsigned char)low[i])) low[j++] = low[i];
        low[j] = 0;
        hidden = strstr(low, "display:none") != NULL || strstr(low, "visibility:hidden") != NULL;
        xmlFree(v);
    }
    if (hidden) return 1;
    v = html_attr(n, "role");
    if (v) {
        char low[64];
        html_lower(v, low, sizeof low);
        hidden = strcmp(low, "navigation") == 0 || strcmp(low, "banner") == 0 || strcmp(low, "contentinfo") == 0 ||
                 strcmp(low, "search") == 0;
        xmlFree(v);
    }
    return hidden;
}

/// Appends the text of `node`'s subtree to `b`, whitespace collapsed to single spaces, trimmed
/// (scripts and styles skipped). Iterative.
static void html_collect(const xmlNode *root, html_buf *b) {
    int space = 0;
    const xmlNode *n = root->children;
    while (n) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            const unsigned char *s = n->content;
            for (size_t i = 0; s && s[i]; i++) {
                if (html_is_space(s[i])) { space = 1; continue; }
                if (space && b->len > 0) hb_append(b, " ", 1);
                space = 0;
                hb_append(b, (const char *)s + i, 1);
            }
        } else if (n->type == XML_ELEMENT_NODE) {
            descend = !(html_name_is(n, "script") || html_name_is(n, "style") || html_name_is(n, "template"));
            if (html_name_is(n, "br")) space = 1;
        }
        if (descend && n->children) { n = n->children; continue; }
        while (n && n != root && !n->next) n = n->parent;
        if (!n || n == root) break;
        n = n->next;
    }
}

static char *html_collect_string(const xmlNode *node) {
    html_buf b = {0};
    html_collect(node, &b);
    if (b.oom || b.len == 0) { free(b.p); return NULL; }
    return b.p;
}

static char *html_strdup_trimmed(const char *s) {
    if (!s) return NULL;
    while (*s && html_is_space((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && html_is_space((unsigned char)s[n - 1])) n--;
    if (n == 0) return NULL;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

/// Publish-time meta keys, best first.
static const char *const html_date_keys[] = {
    "article:published_time", "og:published_time", "og:release_date", "datepublished", "pubdate", "publishdate",
    "publish_date", "publishtime", "publish-date", "firstpublishedtime", "dc.date.issued", "dcterms.issued",
    "dc.date", "date", NULL};

typedef struct {
    cicu_html *out;
    int date_rank, site_rank, source_rank, canonical_rank;
} html_meta_state;

static void html_take(char **slot, int *rank, int new_rank, const char *value) {
    if (*slot && *rank <= new_rank) return;
    char *v = html_strdup_trimmed(value);
    if (!v) return;
    free(*slot);
    *slot = v;
    *rank = new_rank;
}

static void html_meta(const xmlNode *n, html_meta_state *st) {
    char *content = html_attr(n, "content");
    if (!content) return;
    const char *attrs[] = {"property", "name", "itemprop", NULL};
    for (int a = 0; attrs[a]; a++) {
        char *key = html_attr(n, attrs[a]);
        if (!key) continue;
        char low[64];
        html_lower(key, low, sizeof low);
        xmlFree(key);
        for (int k = 0; html_date_keys[k]; k++)
            if (strcmp(low, html_date_keys[k]) == 0) html_take(&st->out->published, &st->date_rank, k, content);
        if (strcmp(low, "og:site_name") == 0) html_take(&st->out->site_name, &st->site_rank, 0, content);
        if (strcmp(low, "sitename") == 0) html_take(&st->out->site_name, &st->site_rank, 1, content);
        if (strcmp(low, "source") == 0) html_take(&st->out->source, &st->source_rank, 0, content);
        if (strcmp(low, "contentsource") == 0) html_take(&st->out->source, &st->source_rank, 1, content);
        if (strcmp(low, "og:title") == 0 && !st->out->og_title) st->out->og_title = html_strdup_trimmed(content);
        if (strcmp(low, "og:url") == 0) html_take(&st->out->canonical, &st->canonical_rank, 1, content);
    }
    xmlFree(content);
}

static void html_link(const xmlNode *n, html_meta_state *st) {
    char *rel = html_attr(n, "rel");
    if (!rel) return;
    char low[128];
    html_lower(rel, low, sizeof low);
    xmlFree(rel);
    // rel is a space-separated token list.
    int canonical = 0;
    for (char *t = strtok(low, " \t\n\r\f"); t; t = strtok(NULL, " \t\n\r\f"))
        if (strcmp(t, "canonical") == 0) canonical = 1;
    if (!canonical) return;
    char *href = html_attr(n, "href");
    if (href) { html_take(&st->out->canonical, &st->canonical_rank, 0, href); xmlFree(href); }
}

static void html_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void html_silent_structured(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }

static pthread_once_t html_once = PTHREAD_ONCE_INIT;
static void html_init(void) { xmlInitParser(); }

void cicu_html_free(cicu_html *h) {
    if (!h) return;
    free(h->text); free(h->title); free(h->h1); free(h->og_title); free(h->published);
    free(h->site_name); free(h->source); free(h->canonical);
    memset(h, 0, sizeof *h);
}

int32_t cicu_html_extract(const char *utf8, size_t length, cicu_html *out) {
    memset(out, 0, sizeof *out);
    if (length > INT_MAX) return -1;
    pthread_once(&html_once, html_init);
    // libxml2's error handlers are per thread: silence them for this parse only.
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *old_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, html_silent);
    xmlSetStructuredErrorFunc(NULL, html_silent_structured);

    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                  HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD;
    // An empty buffer gives no document: parse a single space instead (an empty page, no text).
    htmlDocPtr doc = htmlReadMemory(length ? utf8 : " ", length ? (int)length : 1, NULL, "UTF-8", options);

    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);

    html_writer w = {0};
    html_meta_state st = {out, INT_MAX, INT_MAX, INT_MAX, INT_MAX};
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root) {
        // Context of the walk: how many enclosing elements of each kind are open.
        int pre = 0, sectioning = 0;
        xmlNode *n = root;
        for (;;) {
            int descend = 0;
            if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
                if (n->content) hw_text(&w, n->content, strlen((const char *)n->content), pre > 0);
            } else if (n->type == XML_ELEMENT_NODE) {
                // <meta>, <link> and <title> count wherever they are (recovery may move them into <body>).
                if (html_name_is(n, "meta")) html_meta(n, &st);
                else if (html_name_is(n, "link")) html_link(n, &st);
                else if (html_name_is(n, "title") && !out->title) out->title = html_collect_string(n);
                int chrome = (html_name_is(n, "header") || html_name_is(n, "footer")) && sectioning == 0;
                if (html_name_is(n, "head")) {
                    descend = 1;  // only to find meta/link/title: its text is not visible
                    // Walk head's children for metadata without writing text.
                    for (xmlNode *c = n->children; c; c = c->next) {
                        if (c->type != XML_ELEMENT_NODE) continue;
                        if (html_name_is(c, "meta")) html_meta(c, &st);
                        else if (html_name_is(c, "link")) html_link(c, &st);
                        else if (html_name_is(c, "title") && !out->title) out->title = html_collect_string(c);
                    }
                    descend = 0;
                } else if (html_in_list(n, html_dropped) || chrome || html_hidden(n)) {
                    descend = 0;
                } else {
                    descend = 1;
                    if (html_name_is(n, "br")) hw_line_break(&w);
                    else if (html_in_list(n, html_paragraphs)) hw_break(&w, 2);
                    else if (html_in_list(n, html_blocks)) hw_break(&w, 1);
                    if (html_name_is(n, "h1") && !out->h1) out->h1 = html_collect_string(n);
                    if (html_in_list(n, html_preformatted)) pre++;
                    if (html_in_list(n, html_sectioning)) sectioning++;
                }
            }
            if (descend && n->children) { n = n->children; continue; }
            // Leave n (when it was entered), then climb until a next sibling exists.
            for (;;) {
                if (descend && n->type == XML_ELEMENT_NODE) {
                    if (html_in_list(n, html_paragraphs)) hw_break(&w, 2);
                    else if (html_in_list(n, html_blocks)) hw_break(&w, 1);
                    else if (html_name_is(n, "td") || html_name_is(n, "th")) { w.pending_space = 1; }
                    if (html_in_list(n, html_preformatted)) pre--;
                    if (html_in_list(n, html_sectioning)) sectioning--;
                }
                if (n == root) goto done;
                if (n->next) { n = n->next; break; }
                n = n->parent;
                descend = 1;  // a parent we climb to was entered
                if (!n) goto done;
            }
        }
    }
done:
    if (doc) xmlFreeDoc(doc);
    if (w.out.oom) { free(w.out.p); cicu_html_free(out); return -1; }
    // Trailing whitespace and line breaks go.
    while (w.out.len > 0 && html_is_space((unsigned char)w.out.p[w.out.len - 1])) w.out.p[--w.out.len] = 0;
    if (!w.out.p) {
        w.out.p = malloc(1);
        if (!w.out.p) { cicu_html_free(out); return -1; }
        w.out.p[0] = 0;
    }
    out->text = w.out.p;
    out->text_length = w.out.len;
    return 0;
}

// glibc and the BSDs have memmem; declared here because <string.h> hides it without _GNU_SOURCE.
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

int64_t cicu_find_bytes(const void *haystack, size_t length, const void *needle, size_t needle_length) {
    if (needle_length == 0 || needle_length > length) return -1;
    const char *hit = needle_length == 1 ? memchr(haystack, *(const unsigned char *)needle, length)
                                         : memmem(haystack, length, needle, needle_length);
    return hit ? (int64_t)(hit - (const char *)haystack) : -1;
}
