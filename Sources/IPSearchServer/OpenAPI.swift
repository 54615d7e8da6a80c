/// The OpenAPI 3.0 description served at `GET /openapi.json`.
///
/// Written by hand next to the code it describes; `OpenAPITests` checks it against real answers (every
/// path served, every schema's properties equal to the keys the server sends, every error code used).
/// Change both together.
enum OpenAPI {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "ipsearch",
    "version": "2.0.0",
    "description": "Full-text search over Chinese press releases on intellectual property (`ipsearch serve`). Every answer is JSON (`application/json; charset=utf-8`). Every error, including an unknown path (404 `not_found`), a wrong method on a known path (405 `method_not_allowed`, with an `Allow` header) and a request body over 1024 bytes (413 `body_too_large`), has the shape of the `Error` schema. The index is re-read when `ipsearch index` commits a new generation: the next request sees it."
  },
  "servers": [{"url": "http://127.0.0.1:8080"}],
  "paths": {
    "/search": {
      "get": {
        "operationId": "search",
        "summary": "Search the documents",
        "description": "Query syntax: `地理标志` matches the contiguous string (Simplified or Traditional); space-separated parts must all match; `\"deep seek\"` is an exact sequence; `-北京` excludes; `专利 OR 商标` is either part. When no document matches every part, documents matching some parts are returned with `partial: true`.",
        "parameters": [
          {"name": "q", "in": "query", "required": true, "description": "The query, at most 1000 characters (the README's query language). One with nothing to search for (only spaces, or only unquoted punctuation) is answered 400.", "schema": {"type": "string", "minLength": 1, "maxLength": 1000}, "example": "地理标志"},
          {"name": "limit", "in": "query", "required": false, "description": "Hits per page.", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
          {"name": "offset", "in": "query", "required": false, "description": "Hits to skip (paging).", "schema": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0}},
          {"name": "snippet_length", "in": "query", "required": false, "description": "Characters per snippet window.", "schema": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 80}},
          {"name": "snippets", "in": "query", "required": false, "description": "Snippet windows per hit.", "schema": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2}},
          {"name": "explain", "in": "query", "required": false, "description": "Add every factor of each hit's score (`explanation`).", "schema": {"type": "boolean", "default": false}},
          {"name": "since", "in": "query", "required": false, "description": "Only documents dated on or after: YYYY, YYYY-MM, YYYY-MM-DD (inclusive; a year or month starts at its first day), or 30d, 12m, 2y back from today. Undated documents are left out.", "schema": {"type": "string"}, "example": "2024"},
          {"name": "until", "in": "query", "required": false, "description": "Only documents dated on or before: YYYY, YYYY-MM, YYYY-MM-DD (a year or month ends at its last day), or 30d, 12m, 2y.", "schema": {"type": "string"}, "example": "2024-06"},
          {"name": "source", "in": "query", "required": false, "description": "Only documents from this outlet (repeatable; compared after folding, so 中國網 = 中国网).", "schema": {"type": "array", "items": {"type": "string", "minLength": 1}}, "style": "form", "explode": true},
          {"name": "sort", "in": "query", "required": false, "description": "relevance (default), newest or oldest; ties by relevance, then id.", "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"}},
          {"name": "facets", "in": "query", "required": false, "description": "Add counts by year, month (last 24 months with matches) and source (top 20) over all matches.", "schema": {"type": "boolean", "default": false}},
          {"name": "collapse", "in": "query", "required": false, "description": "One hit per group of near-duplicate copies (default); false shows every copy.", "schema": {"type": "boolean", "default": true}},
          {"name": "expand", "in": "query", "required": false, "description": "Pinyin readings, synonyms and suggestions (default); false searches the typed text only.", "schema": {"type": "boolean", "default": true}}
        ],
        "responses": {
          "200": {"description": "One page of hits, best first (ties by id).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "503": {"$ref": "#/components/responses/IndexUnavailable"}
        }
      }
    },
    "/documents/{id}": {
      "get": {
        "operationId": "getDocument",
        "summary": "A stored document by id",
        "parameters": [
          {"name": "id", "in": "path", "required": true, "description": "The document's path relative to the corpus, percent-encoded as UTF-8. Its `/` may be sent as `%2F` or as is: `/documents/sub%2Fdir%2F%E4%B8%AD.txt` and `/documents/sub/dir/%E4%B8%AD.txt` name the same document.", "schema": {"type": "string"}, "example": "002_85d345060cabbe51.txt"},
          {"name": "q", "in": "query", "required": false, "description": "A query whose every match in the text is returned in `highlights`.", "schema": {"type": "string", "maxLength": 1000}}
        ],
        "responses": {
          "200": {"description": "The document.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "404": {"description": "No document with this id (`document_not_found`).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "503": {"$ref": "#/components/responses/IndexUnavailable"}
        }
      }
    },
    "/health": {
      "get": {
        "operationId": "health",
        "summary": "Whether the index can be searched",
        "responses": {
          "200": {"description": "The index is readable.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "503": {"description": "No readable index (missing or damaged); `reason` says what to do.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthUnavailable"}}}}
        }
      }
    },
    "/stats": {
      "get": {
        "operationId": "stats",
        "summary": "Counts and sizes of the current index generation",
        "responses": {
          "200": {"description": "Statistics, as `ipsearch stats --json`.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IndexStatistics"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "503": {"$ref": "#/components/responses/IndexUnavailable"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openAPI",
        "summary": "This description",
        "responses": {
          "200": {"description": "OpenAPI 3.0 document.", "content": {"application/json": {"schema": {"type": "object"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"}
        }
      }
    }
  },
  "components": {
    "responses": {
      "BadRequest": {"description": "The request was refused: `missing_query`, `empty_query`, `query_too_long`, `invalid_query` (e.g. only punctuation, an unbalanced quote), `invalid_parameter` (limit, offset, snippet_length, snippets or explain out of range, not a number, or given twice), `invalid_encoding` (bad percent-escape or not UTF-8).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "MethodNotAllowed": {"description": "Only GET (and HEAD) are allowed (`method_not_allowed`).", "headers": {"Allow": {"schema": {"type": "string", "example": "GET, HEAD"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "BodyTooLarge": {"description": "The request has a body over 1024 bytes (`body_too_large`).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "IndexUnavailable": {"description": "The index is missing or damaged (`index_unavailable`); the message says how to rebuild it. Served until a readable generation is committed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
              "code": {"type": "string", "enum": ["missing_query", "empty_query", "query_too_long", "invalid_query", "invalid_parameter", "invalid_encoding", "not_found", "document_not_found", "method_not_allowed", "body_too_large", "index_unavailable", "bad_request", "internal_error"]},
              "message": {"type": "string", "description": "What went wrong and what to do, for a person."}
            }
          }
        },
        "example": {"error": {"code": "invalid_parameter", "message": "limit must be an integer between 1 and 100, not \"abc\""}}
      },
      "SearchResponse": {
        "type": "object",
        "required": ["query", "parsed", "total", "total_documents", "offset", "limit", "took_ms", "partial", "hits", "expansions", "suggestions", "warnings"],
        "properties": {
          "query": {"type": "string", "description": "The query as received."},
          "parsed": {"$ref": "#/components/schemas/QueryReading"},
          "total": {"type": "integer", "description": "Hits that matched, near-duplicate copies collapsed into one (all of them, not just this page)."},
          "total_documents": {"type": "integer", "description": "Documents that matched, every copy counted."},
          "offset": {"type": "integer"},
          "limit": {"type": "integer"},
          "took_ms": {"type": "number", "description": "Search time in milliseconds."},
          "partial": {"type": "boolean", "description": "True when no document matched enough parts and these hits match only some."},
          "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
          "facets": {"$ref": "#/components/schemas/Facets"},
          "expansions": {"type": "array", "description": "Alternatives query assistance added (pinyin readings, synonyms), each scored below the typed text.", "items": {"type": "object", "required": ["part", "with", "kind"], "properties": {"part": {"type": "string"}, "with": {"type": "array", "items": {"type": "string"}}, "kind": {"type": "string", "enum": ["pinyin", "synonym"]}}}},
          "suggestions": {"type": "array", "description": "Did you mean: corrections from the index's own text, each with hits; only for queries with no (or only partial) matches.", "items": {"type": "object", "required": ["text", "documents"], "properties": {"text": {"type": "string"}, "documents": {"type": "integer"}}}},
          "warnings": {"type": "array", "description": "Problems that did not stop the search (bad lines in synonyms.txt).", "items": {"type": "string"}}
        }
      },
      "QueryReading": {
        "type": "object",
        "description": "How the query was read.",
        "required": ["groups", "excluded", "mode", "minimum_groups"],
        "properties": {
          "groups": {"type": "array", "description": "Groups that must match; the parts of one group are alternatives (OR).", "items": {"type": "array", "items": {"$ref": "#/components/schemas/QueryPart"}}},
          "excluded": {"type": "array", "items": {"$ref": "#/components/schemas/QueryPart"}},
          "mode": {"type": "string", "enum": ["all", "most"], "description": "all: every group must match; most (more than 4 groups): at least minimum_groups, more rank first."},
          "minimum_groups": {"type": "integer"}
        }
      },
      "QueryPart": {
        "type": "object",
        "required": ["text", "searched", "quoted"],
        "properties": {
          "text": {"type": "string", "description": "As typed."},
          "searched": {"type": "string", "description": "The normalized text searched for."},
          "quoted": {"type": "boolean"}
        }
      },
      "Facets": {
        "type": "object",
        "required": ["year", "month", "source"],
        "properties": {
          "year": {"type": "object", "additionalProperties": {"type": "integer"}},
          "month": {"type": "object", "additionalProperties": {"type": "integer"}},
          "source": {"type": "object", "additionalProperties": {"type": "integer"}}
        }
      },
      "Hit": {
        "type": "object",
        "required": ["id", "title", "date", "source", "url", "score", "snippets", "copies"],
        "properties": {
          "id": {"type": "string", "description": "Path relative to the corpus; use it with /documents/{id}."},
          "title": {"type": "string"},
          "date": {"type": "string", "nullable": true, "description": "YYYY-MM-DD, null when unknown."},
          "source": {"type": "string", "nullable": true, "description": "The outlet, null when unknown."},
          "url": {"type": "string", "nullable": true},
          "score": {"type": "number", "description": "Zone-weighted BM25 plus proximity (see explanation)."},
          "snippets": {"type": "array", "items": {"$ref": "#/components/schemas/Snippet"}},
          "copies": {"type": "array", "description": "Other copies of the same release (near-duplicates), when collapsed.", "items": {"$ref": "#/components/schemas/Copy"}},
          "explanation": {"$ref": "#/components/schemas/Explanation"}
        }
      },
      "Copy": {
        "type": "object",
        "required": ["id", "title", "date", "source"],
        "properties": {
          "id": {"type": "string"},
          "title": {"type": "string"},
          "date": {"type": "string", "nullable": true},
          "source": {"type": "string", "nullable": true}
        }
      },
      "Snippet": {
        "type": "object",
        "required": ["text", "highlights"],
        "properties": {
          "text": {"type": "string", "description": "Quoted original text; … marks a cut."},
          "highlights": {"type": "array", "description": "[start, end) ranges of matched text, in Unicode scalars of text.", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "integer"}}}
        }
      },
      "Explanation": {
        "type": "object",
        "description": "Only with explain=true: every factor of the score.",
        "required": ["matched_groups", "groups", "parts", "proximity", "sequence_bonus", "title_coverage", "title_bonus", "score"],
        "properties": {
          "matched_groups": {"type": "integer"},
          "groups": {"type": "integer"},
          "parts": {"type": "array", "items": {"$ref": "#/components/schemas/PartFactors"}},
          "proximity": {"type": "array", "items": {"$ref": "#/components/schemas/PairFactors"}},
          "sequence_bonus": {"type": "number"},
          "title_coverage": {"type": "number", "description": "Share of the title's letters the typed parts found in the title cover."},
          "title_bonus": {"type": "number", "description": "2 × coverage² × Σ idf of those parts."},
          "score": {"type": "number"}
        }
      },
      "PartFactors": {
        "type": "object",
        "required": ["part", "origin", "factor", "tf", "tf_title", "tf_body", "tf_boilerplate", "weighted_tf", "df", "n_docs", "doc_len", "avg_doc_len", "idf", "score"],
        "properties": {
          "part": {"type": "string"},
          "origin": {"type": "string", "enum": ["literal", "synonym", "pinyin"]},
          "factor": {"type": "number", "description": "1 for typed text; 0.9 for synonyms, 0.8 for pinyin readings."},
          "tf": {"type": "integer", "description": "Occurrences of the part in the document."},
          "tf_title": {"type": "integer"},
          "tf_body": {"type": "integer"},
          "tf_boilerplate": {"type": "integer"},
          "weighted_tf": {"type": "number", "description": "Occurrences weighted by zone (title 3, body 1, boilerplate 0.15)."},
          "df": {"type": "integer", "description": "Documents containing the part."},
          "n_docs": {"type": "integer", "description": "Live documents in the index."},
          "doc_len": {"type": "integer", "description": "Document length in words."},
          "avg_doc_len": {"type": "number"},
          "idf": {"type": "number", "description": "ln(1 + (N − n + 0.5) / (n + 0.5))"},
          "score": {"type": "number", "description": "idf · wtf · (k1 + 1) / (wtf + k1 · (1 − b + b · dl / avgdl))"}
        }
      },
      "PairFactors": {
        "type": "object",
        "required": ["first", "second", "distance", "gap", "in_order", "score"],
        "properties": {
          "first": {"type": "string"},
          "second": {"type": "string"},
          "distance": {"type": "integer", "nullable": true},
          "gap": {"type": "integer"},
          "in_order": {"type": "boolean"},
          "score": {"type": "number"}
        }
      },
      "Document": {
        "type": "object",
        "required": ["id", "title", "date", "source", "url", "encoding", "spam_removed", "copies", "text"],
        "properties": {
          "id": {"type": "string"},
          "title": {"type": "string"},
          "date": {"type": "string", "nullable": true, "description": "YYYY-MM-DD, null when unknown."},
          "source": {"type": "string", "nullable": true, "description": "The outlet, null when unknown."},
          "url": {"type": "string", "nullable": true},
          "encoding": {"type": "string"},
          "spam_removed": {"type": "integer", "description": "Injected spam spans removed from the searchable text."},
          "copies": {"type": "array", "items": {"$ref": "#/components/schemas/Copy"}},
          "text": {"type": "string", "description": "The document's text as stored."},
          "highlights": {"type": "array", "description": "With q: every match, [start, end) in Unicode scalars of text.", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "integer"}}}
        }
      },
      "Health": {
        "type": "object",
        "required": ["status", "generation", "documents"],
        "properties": {
          "status": {"type": "string", "enum": ["ok"]},
          "generation": {"type": "integer", "description": "The committed index generation being served."},
          "documents": {"type": "integer", "description": "Live documents in it."}
        }
      },
      "HealthUnavailable": {
        "type": "object",
        "required": ["status", "reason"],
        "properties": {
          "status": {"type": "string", "enum": ["unavailable"]},
          "reason": {"type": "string", "description": "Why the index cannot be read and what to do."}
        }
      },
      "IndexStatistics": {
        "type": "object",
        "required": ["generation", "committed_at", "documents", "deleted_documents", "words", "average_words", "terms", "segments", "index_bytes", "stored_bytes", "groups_with_copies", "documents_in_groups", "spam_spans_removed", "documents_with_spam", "segment_list"],
        "properties": {
          "generation": {"type": "integer"},
          "committed_at": {"type": "number", "description": "Seconds since 1970."},
          "documents": {"type": "integer"},
          "deleted_documents": {"type": "integer"},
          "words": {"type": "integer"},
          "average_words": {"type": "number"},
          "terms": {"type": "integer"},
          "segments": {"type": "integer"},
          "index_bytes": {"type": "integer"},
          "stored_bytes": {"type": "integer"},
          "groups_with_copies": {"type": "integer", "description": "Groups of near-duplicate copies with more than one live document."},
          "documents_in_groups": {"type": "integer"},
          "spam_spans_removed": {"type": "integer", "description": "Injected spam spans removed from the searchable text."},
          "documents_with_spam": {"type": "integer"},
          "segment_list": {"type": "array", "items": {"type": "object", "required": ["name", "documents", "terms", "bytes"], "properties": {"name": {"type": "string"}, "documents": {"type": "integer"}, "terms": {"type": "integer"}, "bytes": {"type": "integer"}}}}
        }
      }
    }
  }
}
"""#
}
