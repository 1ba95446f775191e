import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 81–82, trainer cases that count the capacity server's slots: part of
/// the serialized "Sessions and capacity" suite, so no other case holds slots meanwhile.
extension SessionTests {
    @Test(
        "81 · after CAPACITY_REACHED, a retry succeeds as soon as a slot frees (within OPENENV_SLOT_RELEASE)",
        .enabled(if: hasKnownCapacity, "set OPENENV_MAX_SESSIONS to the server's capacity")
    )
    func capacityRetry() async throws {
        let capacity = try #require(ServerUnderTest.knownCapacity)
        try await ServerUnderTest.withCapacityServer { endpoint in
            try await holdingSessions(capacity - 1, on: endpoint) {
                try await withSession(endpoint) { last in
                    _ = try await last.reset()
                    let refused = try await withSession(endpoint) { try await $0.nextJSON() }
                    #expect(
                        refused.errorCode == ErrorCode.capacityReached.rawValue,
                        "rule: with all \(capacity) slots held, a new session is told CAPACITY_REACHED; opened /ws → \(refused)"
                    )
                    try await last.send(text: #"{"type":"close"}"#)
                    _ = try? await last.receive()
                }
                try await expectSessionAdmitted(
                    endpoint,
                    within: TrainerTests.bounds.slotRelease,
                    rule: "after CAPACITY_REACHED, a trainer's retry is admitted once a session has closed"
                )
            }
        }
    }

    @Test(
        "82 · a session the client aborts is replaced at once, and its slot comes back within OPENENV_SLOT_RELEASE",
        .enabled(if: (ServerUnderTest.knownCapacity ?? 0) >= 2, "set OPENENV_MAX_SESSIONS (≥ 2) to the server's capacity")
    )
    func abortedSlotReturns() async throws {
        let capacity = try #require(ServerUnderTest.knownCapacity)
        try await ServerUnderTest.withCapacityServer { endpoint in
            // One slot spare for the replacement, so only the aborted session's slot can admit the last.
            try await holdingSessions(capacity - 2, on: endpoint) {
                try await withSession(endpoint) { victim in
                    _ = try await victim.reset()
                    await victim.abort()
                }
                try await withSession(endpoint) { replacement in
                    let sent = #"{"type":"reset","data":{}}"#
                    let reply = try await replacement.request(sent)
                    #expect(
                        reply["type"] == "observation",
                        "rule: a replacement for an aborted session is admitted at once while a slot is spare; sent \(sent) → \(Exchange.excerpt("\(reply)"))"
                    )
                    try await expectSessionAdmitted(
                        endpoint,
                        within: TrainerTests.bounds.slotRelease,
                        rule:
                            "the slot of a session aborted by its client (TCP reset, no close frame) comes back within \(TrainerTests.bounds.slotRelease)"
                    )
                }
            }
        }
    }
}
