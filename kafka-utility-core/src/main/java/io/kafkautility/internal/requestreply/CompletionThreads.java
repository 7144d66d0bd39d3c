package io.kafkautility.internal.requestreply;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default completion executor of a request-reply client: {@value #THREADS} daemon threads that complete request
 * futures (and so run callers' callbacks) in order of arrival, started when needed and ended after 30 s idle. A
 * callback that blocks holds one of them, not the reply consumer or the other replies. Once the client closed, the
 * completing thread runs a completion itself (none is ever dropped). The queue holds at most one completion per
 * pending request, which {@code maxPendingRequests} bounds.
 */
final class CompletionThreads {
    static final int THREADS = 4;

    private CompletionThreads() {
    }

    static ExecutorService create(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, (completion, executor) -> completion.run());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
