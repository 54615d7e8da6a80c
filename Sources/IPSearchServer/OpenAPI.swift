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
    "version": "1.0.0",
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
          {"name": "q", "in": "query", "required": true, "description": "The query, at most 256 characters.", "schema": {"type": "string", "minLength": 1, "maxLength": 256}, "example": "地理标志"},
          {"name": "limit", "in": "query", "required": false, "description": "Hits per page.", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
          {"name": "offset", "in": "query", "required": false, "description": "Hits to skip (paging).", "schema": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0}},
          {"name": "snippet_length", "in": "query", "required": false, "description": "Characters per snippet window.", "schema": {"type": "integer", "minimum": 10, "maximum": 2000, "default": 80}},
          {"name": "snippets", "in": "query", "required": false, "description": "Snippet windows per hit.", "schema": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2}},
          {"name": "explain", "in": "query", "required": false, "description": "Add the BM25 factors of each hit's score (`explanation`).", "schema": {"type": "boolean", "default": false}}
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
          {"name": "id", "in": "path", "required": true, "description": "The document's path relative to the corpus, percent-encoded as UTF-8. Its `/` may be sent as `%2F` or as is: `/documents/sub%2Fdir%2F%E4%B8%AD.txt` and `/documents/sub/dir/%E4%B8%AD.txt` name the same document.", "schema": {"type": "string"}, "example": "002_85d345060cabbe51.txt"}
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
        "required": ["query", "total", "offset", "limit", "took_ms", "partial", "hits"],
        "properties": {
          "query": {"type": "string", "description": "The query as received."},
          "total": {"type": "integer", "description": "Documents that matched (all of them, not just this page)."},
          "offset": {"type": "integer"},
          "limit": {"type": "integer"},
          "took_ms": {"type": "number", "description": "Search time in milliseconds."},
          "partial": {"type": "boolean", "description": "True when no document matched every part and these hits match only some."},
          "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}
        }
      },
      "Hit": {
        "type": "object",
        "required": ["id", "title", "date", "score", "snippets"],
        "properties": {
          "id": {"type": "string", "description": "Path relative to the corpus; use it with /documents/{id}."},
          "title": {"type": "string"},
          "date": {"type": "string", "nullable": true, "description": "YYYY-MM-DD, null when unknown."},
          "score": {"type": "number", "description": "BM25 score."},
          "snippets": {"type": "array", "items": {"$ref": "#/components/schemas/Snippet"}},
          "explanation": {"type": "array", "description": "Only with explain=true: one entry per query part found in the document.", "items": {"$ref": "#/components/schemas/Explanation"}}
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
        "required": ["part", "tf", "df", "n_docs", "doc_len", "avg_doc_len", "idf", "score"],
        "properties": {
          "part": {"type": "string"},
          "tf": {"type": "integer", "description": "Occurrences of the part in the document."},
          "df": {"type": "integer", "description": "Documents containing the part."},
          "n_docs": {"type": "integer", "description": "Live documents in the index."},
          "doc_len": {"type": "integer", "description": "Document length in words."},
          "avg_doc_len": {"type": "number"},
          "idf": {"type": "number", "description": "ln(1 + (N − n + 0.5) / (n + 0.5))"},
          "score": {"type": "number", "description": "idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))"}
        }
      },
      "Document": {
        "type": "object",
        "required": ["id", "title", "date", "source", "text"],
        "properties": {
          "id": {"type": "string"},
          "title": {"type": "string"},
          "date": {"type": "string", "nullable": true, "description": "YYYY-MM-DD, null when unknown."},
          "source": {"type": "string", "nullable": true, "description": "The source URL from the front matter, null when unknown."},
          "text": {"type": "string", "description": "The document's text as stored."}
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
        "required": ["generation", "committed_at", "documents", "deleted_documents", "words", "average_words", "terms", "segments", "index_bytes", "stored_bytes"],
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
          "stored_bytes": {"type": "integer"}
        }
      }
    }
  }
}
"""#
}
