package io.kafkautility.client;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A {@link Flow.Publisher} that maps each item of another one. Demand passes through unchanged; a mapping failure
 * cancels the upstream and fails the subscriber.
 */
public final class MappingPublisher<T, R> implements Flow.Publisher<R> {

    private final Flow.Publisher<T> upstream;
    private final Function<? super T, ? extends R> mapper;

    public MappingPublisher(Flow.Publisher<T> upstream, Function<? super T, ? extends R> mapper) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** A publisher that fails every subscriber at once with {@code error}. */
    public static <R> Flow.Publisher<R> failed(Throwable error) {
        return subscriber -> {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(error);
        };
    }

    @Override
    public void subscribe(Flow.Subscriber<? super R> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        upstream.subscribe(new Flow.Subscriber<T>() {
            private Flow.Subscription subscription;
            private boolean done;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.subscription = s;
                subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(T item) {
                if (done) {
                    return;
                }
                R mapped;
                try {
                    mapped = mapper.apply(item);
                } catch (RuntimeException e) {
                    done = true;
                    subscription.cancel();
                    subscriber.onError(e);
                    return;
                }
                subscriber.onNext(mapped);
            }

            @Override
            public void onError(Throwable t) {
                if (!done) {
                    done = true;
                    subscriber.onError(t);
                }
            }

            @Override
            public void onComplete() {
                if (!done) {
                    done = true;
                    subscriber.onComplete();
                }
            }
        });
    }
}
