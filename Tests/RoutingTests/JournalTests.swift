import Testing
@_spi(Testing) @testable import Routing

/// Issue 3 §2 "Deterministic": the same configuration and timed events give the same outputs.
@Suite struct JournalTests {
    @Test func recordedJournalReplaysToIdenticalOutputs() {
        let live = Router(randomSeed: 42)
        var scenario = RandomScenario(seed: 42)
        var journal = RoutingJournal()
        var outputs: [RoutingOutput] = []
        func run(_ e: RoutingEvent) {
            journal.record(e, now: scenario.now)
            live.handle(e, now: scenario.now)
            var out: [RoutingOutput] = []
            while let o = live.pollOutput() { out.append(o) }
            outputs += out
            scenario.observe(e, out)
        }
        for e in scenario.configuration() { run(e) }
        for _ in 0..<20_000 { run(scenario.nextEvent()) }

        let replayed = journal.replay(into: Router(randomSeed: 42))
        #expect(outputs.count > 20_000)
        #expect(replayed == outputs)
        #expect(live.stats(queue: 0) == Router(randomSeed: 42).replaying(journal).stats(queue: 0))
    }
}

extension Router {
    func replaying(_ journal: RoutingJournal) -> Router {
        _ = journal.replay(into: self)
        return self
    }
}
