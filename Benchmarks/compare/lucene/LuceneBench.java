// Lucene side of Benchmarks/compare (tools.py run_lucene compiles and runs it; see README.md).
//
//   LuceneBench build DOCS INDEX RAM_MB THREADS   index DOCS (records: int32 big-endian byte length +
//                                                 UTF-8 text; the n-th record is rowid n), print JSON
//   LuceneBench search INDEX QUERIES [EXTRA]      warm latency: one warm-up pass over all queries, one
//                                                 timed pass; then EXTRA (10) more warm-up passes and
//                                                 timed passes with JIT-compiled code; JSON samples
//   LuceneBench ids INDEX QUERIES OUT             every matching rowid per query, one line per query
//
// Analysis: CJKAnalyzer (StandardTokenizer, CJK width folding, lowercase, CJK bigrams, English stop
// words) on both sides. A query's space-separated parts are ANDed, each part a phrase of its bigrams
// (QueryBuilder.createPhraseQuery: a single bigram becomes a term query).
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.Version;

public final class LuceneBench {
    static final String BODY = "body";
    static final String ROWID = "rowid";
    static final int TOP = 10;

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("build")) {
            build(Paths.get(args[1]), Paths.get(args[2]), Double.parseDouble(args[3]), Integer.parseInt(args[4]));
        } else if ((args.length == 3 || args.length == 4) && args[0].equals("search")) {
            search(Paths.get(args[1]), Paths.get(args[2]), args.length == 4 ? Integer.parseInt(args[3]) : 10);
        } else if (args.length == 4 && args[0].equals("ids")) {
            ids(Paths.get(args[1]), Paths.get(args[2]), Paths.get(args[3]));
        } else {
            System.err.println("usage: LuceneBench build DOCS INDEX RAM_MB THREADS | search INDEX QUERIES [EXTRA_WARMUP]"
                    + " | ids INDEX QUERIES OUT");
            System.exit(2);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Build

    private static final String END = new String("end of input"); // identity marker in the queue

    static final class Doc {
        final int rowid;
        final String text;

        Doc(int rowid, String text) {
            this.rowid = rowid;
            this.text = text;
        }
    }

    static void build(Path docs, Path indexPath, double ramMB, int threads) throws Exception {
        long t0 = System.nanoTime();
        IndexWriterConfig config = new IndexWriterConfig(new CJKAnalyzer());
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        config.setRAMBufferSizeMB(ramMB);
        int count = 0;
        long added;
        try (Directory dir = FSDirectory.open(indexPath); IndexWriter writer = new IndexWriter(dir, config)) {
            // One reader (this thread) feeds `threads` indexing threads, each with its own Document.
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1024);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> index(writer, queue, failure), "indexer-" + t);
                w.start();
                workers.add(w);
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(docs), 1 << 20))) {
                while (failure.get() == null) {
                    int len;
                    try {
                        len = in.readInt();
                    } catch (EOFException e) {
                        break;
                    }
                    byte[] bytes = new byte[len];
                    in.readFully(bytes);
                    queue.put(new Doc(count++, new String(bytes, StandardCharsets.UTF_8)));
                }
            } finally {
                for (int t = 0; t < threads; t++) queue.put(END);
                for (Thread w : workers) w.join();
            }
            if (failure.get() != null) throw new RuntimeException("indexing failed", failure.get());
            added = System.nanoTime();
            writer.commit();
        } // close: waits for running merges (no forced merge, as in the Tantivy run)
        long t1 = System.nanoTime();
        int segments;
        int maxDoc;
        try (Directory dir = FSDirectory.open(indexPath); DirectoryReader reader = DirectoryReader.open(dir)) {
            segments = reader.leaves().size();
            maxDoc = reader.maxDoc();
        }
        System.out.println("{\"build_inner_s\": " + (t1 - t0) / 1e9 + ", \"add_s\": " + (added - t0) / 1e9
                + ", \"commit_s\": " + (t1 - added) / 1e9 + ", \"docs\": " + count + ", \"index_docs\": " + maxDoc
                + ", \"segments\": " + segments + ", \"lucene_version\": \"" + Version.LATEST + "\"}");
    }

    static void index(IndexWriter writer, BlockingQueue<Object> queue, AtomicReference<Throwable> failure) {
        // Field objects reused per thread; body stored (compressed by the default codec) like Tantivy's.
        Document doc = new Document();
        IntPoint point = new IntPoint(ROWID, 0);        // indexed
        NumericDocValuesField fast = new NumericDocValuesField(ROWID, 0); // "fast field" (doc values)
        StoredField stored = new StoredField(ROWID, 0); // stored
        Field body = new Field(BODY, "", TextField.TYPE_STORED);
        doc.add(point);
        doc.add(fast);
        doc.add(stored);
        doc.add(body);
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) return;
                Doc d = (Doc) item;
                point.setIntValue(d.rowid);
                fast.setLongValue(d.rowid);
                stored.setIntValue(d.rowid);
                body.setStringValue(d.text);
                writer.addDocument(doc);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            queue.clear(); // unblock the reader, which then stops
        }
    }

    // -----------------------------------------------------------------------------------------
    // Queries

    static List<String> readQueries(Path path) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) out.add(line);
        }
        return out;
    }

    /** Every part a phrase of its analyzed tokens, the parts ANDed; null when nothing is searchable. */
    static Query parse(QueryBuilder builder, String q) {
        List<Query> subs = new ArrayList<>();
        for (String part : q.split(" ")) {
            if (part.isEmpty()) continue;
            Query sub = builder.createPhraseQuery(BODY, part);
            if (sub != null) subs.add(sub);
        }
        if (subs.isEmpty()) return null;
        if (subs.size() == 1) return subs.get(0);
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Query sub : subs) b.add(sub, BooleanClause.Occur.MUST);
        return b.build();
    }

    interface Mode {
        long run(IndexSearcher searcher, QueryBuilder builder, String q) throws IOException;
    }

    /** Top 10 by score with an exact total (as tantivy-py's search, whose count defaults to true). */
    static long exactTop(IndexSearcher searcher, QueryBuilder builder, String q) throws IOException {
        Query query = parse(builder, q);
        if (query == null) return 0;
        TopScoreDocCollector collector = TopScoreDocCollector.create(TOP, Integer.MAX_VALUE);
        searcher.search(query, collector);
        TopDocs top = collector.topDocs();
        return top.totalHits.value;
    }

    /** Lucene's default: IndexSearcher.search(query, 10), totals exact only up to 1000 hits, which lets
     *  it skip non-competitive documents. */
    static long defaultTop(IndexSearcher searcher, QueryBuilder builder, String q) throws IOException {
        Query query = parse(builder, q);
        if (query == null) return 0;
        return searcher.search(query, TOP).totalHits.value;
    }

    /** The protocol of the other engines first: one warm-up pass, then the timed pass ("exact").
     *  Then `extraWarmup` more passes of both modes, for a JIT that has compiled Lucene's hot paths
     *  (one pass of a few hundred queries leaves part of it interpreted), and a timed pass of each:
     *  "jit" (exact totals) and "default" (IndexSearcher.search(query, 10)). */
    static void search(Path indexPath, Path queriesPath, int extraWarmup) throws Exception {
        List<String> queries = readQueries(queriesPath);
        try (Directory dir = FSDirectory.open(indexPath); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null); // every pass does the work (Tantivy has no query cache)
            QueryBuilder builder = new QueryBuilder(new CJKAnalyzer());
            StringBuilder json = new StringBuilder("{\"queries\": " + queries.size());
            Mode exact = LuceneBench::exactTop;
            Mode lucene = LuceneBench::defaultTop;
            for (String q : queries) exact.run(searcher, builder, q);
            timedPass(json, "exact", exact, searcher, builder, queries);
            for (int pass = 0; pass < extraWarmup; pass++) {
                for (String q : queries) exact.run(searcher, builder, q);
                for (String q : queries) lucene.run(searcher, builder, q);
            }
            timedPass(json, "jit", exact, searcher, builder, queries);
            timedPass(json, "default", lucene, searcher, builder, queries);
            json.append(", \"extra_warmup_passes\": ").append(extraWarmup);
            json.append(", \"segments\": ").append(reader.leaves().size());
            json.append(", \"lucene_version\": \"").append(Version.LATEST).append("\"}");
            System.out.println(json);
        }
    }

    /** One timed pass: NAME_ms (per query) and NAME_totals in the JSON. */
    static void timedPass(StringBuilder json, String name, Mode mode, IndexSearcher searcher, QueryBuilder builder,
                          List<String> queries) throws IOException {
        double[] ms = new double[queries.size()];
        long[] totals = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long t0 = System.nanoTime();
            totals[i] = mode.run(searcher, builder, queries.get(i));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        json.append(", \"").append(name).append("_ms\": [");
        for (int i = 0; i < ms.length; i++) json.append(i > 0 ? ", " : "").append(ms[i]);
        json.append("], \"").append(name).append("_totals\": [");
        for (int i = 0; i < totals.length; i++) json.append(i > 0 ? ", " : "").append(totals[i]);
        json.append("]");
    }

    // -----------------------------------------------------------------------------------------
    // Recall: every matching rowid (from doc values), no scoring

    static final class RowIds extends SimpleCollector {
        final StringBuilder out = new StringBuilder();
        NumericDocValues rowids;

        @Override
        protected void doSetNextReader(LeafReaderContext context) throws IOException {
            rowids = context.reader().getNumericDocValues(ROWID);
        }

        @Override
        public void collect(int doc) throws IOException {
            if (!rowids.advanceExact(doc)) throw new IllegalStateException("document without rowid");
            if (out.length() > 0) out.append(' ');
            out.append(rowids.longValue());
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }

    static void ids(Path indexPath, Path queriesPath, Path outPath) throws Exception {
        List<String> queries = readQueries(queriesPath);
        try (Directory dir = FSDirectory.open(indexPath); DirectoryReader reader = DirectoryReader.open(dir);
             BufferedWriter out = Files.newBufferedWriter(outPath, StandardCharsets.UTF_8)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            QueryBuilder builder = new QueryBuilder(new CJKAnalyzer());
            for (String q : queries) {
                Query query = parse(builder, q);
                RowIds collector = new RowIds();
                if (query != null) searcher.search(query, collector);
                out.write(collector.out.toString());
                out.write('\n');
            }
        }
    }
}
