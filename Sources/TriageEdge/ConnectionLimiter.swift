import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization
import TriageDomain

/// Caps the connections open at once (`http.maxConnections`). One counter for the server, one
/// handler per connection: past the cap a new connection is closed at once, and the log says so
/// (at most once every 10 s, with how many were closed since, so a flood does not flood the log).
package final class ConnectionCounter: Sendable {
    package let limit: Int
    package let logger: Logger
    private let state = Mutex((open: 0, refused: 0, lastLog: ContinuousClock.Instant?.none))

    package init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Counts a new connection in; false when the cap is reached.
    package func admit(_ peer: String) -> Bool {
        let (admitted, report) = state.withLock { state -> (Bool, Int?) in
            guard state.open >= limit else {
                state.open += 1
                return (true, nil)
            }
            state.refused += 1
            let now = ContinuousClock.now
            guard state.lastLog.map({ now - $0 >= .seconds(10) }) ?? true else { return (false, nil) }
            defer { (state.refused, state.lastLog) = (0, now) }
            return (false, state.refused)
        }
        if let report {
            logger.warning(
                "connection limit reached: \(limit) connections are open (http.maxConnections); closed the one from \(peer) and \(report - 1) more in the last 10 s"
            )
        }
        return admitted
    }

    package func release() { state.withLock { $0.open -= 1 } }
}

package final class ConnectionLimiter: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package let counter: ConnectionCounter
    private var counted = false
    private var refused = false

    package init(counter: ConnectionCounter) { self.counter = counter }

    package func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        context.fireChannelRead(data)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        if counted { counter.release() }
        counted = false
        context.fireChannelInactive()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard !counted, !refused else { return }
        if counter.admit(context.channel.remoteAddress?.description ?? "?") {
            counted = true
        } else {
            refused = true
            context.close(promise: nil)
        }
    }
}
