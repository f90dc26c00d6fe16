import Directory
import Foundation
import Routing

/// A queue's live statistics as the API shows them (seconds, ratios).
struct QueueStatsView: Encodable {
    let queueId: String
    let name: String
    let channel: String
    let waiting: Int
    let longestWaitSeconds: Double
    let offered: UInt64
    let answered: UInt64
    let abandoned: UInt64
    let timedOut: UInt64
    let overflowed: UInt64
    let refused: UInt64
    let averageSpeedOfAnswerSeconds: Double
    /// Answered within the threshold / offered.
    let serviceLevel: Double
    let talkTimeSeconds: Double
    /// What a new contact would wait now (shown to chat customers).
    let estimatedWaitSeconds: Double
    let loggedInAgents: Int
    let readyAgents: Int

    init(queue: Directory.Queue, stats: QueueStats) {
        queueId = queue.id.description
        name = queue.name
        channel = queue.channel.rawValue
        waiting = stats.waiting
        longestWaitSeconds = stats.longestWait.seconds
        offered = stats.offered
        answered = stats.answered
        abandoned = stats.abandoned
        timedOut = stats.timedOut
        overflowed = stats.overflowed
        refused = stats.refused
        averageSpeedOfAnswerSeconds = stats.averageSpeedOfAnswer.seconds
        serviceLevel = stats.serviceLevel.isFinite ? stats.serviceLevel : 0
        talkTimeSeconds = stats.talkTime.seconds
        estimatedWaitSeconds = stats.estimatedWait.seconds
        loggedInAgents = stats.loggedInAgents
        readyAgents = stats.readyAgents
    }
}

/// An agent's live routing state as the API shows it.
struct AgentStateView: Encodable {
    let userId: String
    /// `offline`, `available` or `paused`.
    let presence: String
    let pauseReason: Int?
    let eligible: Bool
    let loggedInQueues: [String]
    /// Contacts held per channel: voice, webchat, whatsapp.
    let load: [String: Int]
    let offered: UInt64
    let answered: UInt64
    let noAnswers: UInt64
    let rejected: UInt64
    let talkTimeSeconds: Double

    init(user: User, state: AgentState, queueName: (Routing.QueueID) -> Directory.QueueID?) {
        userId = user.id.description
        switch state.presence {
        case .offline: (presence, pauseReason) = ("offline", nil)
        case .available: (presence, pauseReason) = ("available", nil)
        case .paused(let reason): (presence, pauseReason) = ("paused", Int(reason.code))
        }
        eligible = state.eligible
        loggedInQueues = state.loggedInQueues.compactMap { queueName($0)?.description }.sorted()
        var load: [String: Int] = [:]
        for channel in Routing.Channel.allCases where Int(channel.rawValue) < state.load.count {
            load["\(channel)"] = state.load[Int(channel.rawValue)]
        }
        self.load = load
        offered = state.offered
        answered = state.answered
        noAnswers = state.noAnswers
        rejected = state.rejected
        talkTimeSeconds = state.talkTime.seconds
    }
}

extension RoutingDuration {
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
