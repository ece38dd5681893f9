package io.vhdflow.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataPassBudgetTest {

    private static CompletableFuture<DataPassBudget.Permit> later(DataPassBudget b, String job, long bytes,
                                                                 List<String> order) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                DataPassBudget.Permit p = b.acquire(job, bytes);
                order.add(job);
                return p;
            } catch (java.io.InterruptedIOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Until {@code n} passes wait for a slot (then each has arrived, in the order the test started them). */
    private static void awaitWaiting(DataPassBudget b, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.waiting() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError(n + " waiting passes expected, " + b.waiting() + " waiting");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void largeJobsLeaveALaneForSmallOnes() throws Exception {
        DataPassBudget b = new DataPassBudget(new DataPathSettings(false, false, 2, 100, 0));
        List<String> order = new CopyOnWriteArrayList<>();
        DataPassBudget.Permit big1 = b.acquire("big-1", 1000);
        CompletableFuture<DataPassBudget.Permit> big2 = later(b, "big-2", 2000, order);
        awaitWaiting(b, 1);
        assertFalse(big2.isDone(), "a second large pass may not take the last slot");
        DataPassBudget.Permit small = later(b, "small", 10, order).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("small"), order, "the small job runs beside the large one");
        small.close();
        assertEquals(1, b.waiting(), "still only one large pass at a time");
        assertFalse(big2.isDone());
        big1.close();
        big2.get(10, TimeUnit.SECONDS).close();
        assertEquals(List.of("small", "big-2"), order);
    }

    @Test
    void theSmallestWaitingPassGoesFirst() throws Exception {
        DataPassBudget b = new DataPassBudget(new DataPathSettings(false, false, 1, 1L << 40, 0));
        List<String> order = new CopyOnWriteArrayList<>();
        DataPassBudget.Permit first = b.acquire("first", 5);
        CompletableFuture<DataPassBudget.Permit> big = later(b, "big", 500, order);
        awaitWaiting(b, 1);
        CompletableFuture<DataPassBudget.Permit> small = later(b, "small", 50, order);
        awaitWaiting(b, 2);
        assertTrue(order.isEmpty());
        first.close();
        small.get(10, TimeUnit.SECONDS).close();
        big.get(10, TimeUnit.SECONDS).close();
        assertEquals(List.of("small", "big"), order, "arrived later, but smaller");
    }

    @Test
    void theSharedBandwidthCapSpreadsReadsOverTime() throws Exception {
        DataPassBudget b = new DataPassBudget(new DataPathSettings(false, false, 2, 100, 10L << 20));
        long start = System.nanoTime();
        try (DataPassBudget.Permit p = b.acquire("a", 1); DataPassBudget.Permit q = b.acquire("b", 1)) {
            p.read(3L << 20);
            q.read(3L << 20);
            q.read(1);
        }
        // 6 MiB at 10 MiB/s: the last read waits at least ~0.6 s (a lower bound: never flaky on a slow machine).
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(550));
    }
}
