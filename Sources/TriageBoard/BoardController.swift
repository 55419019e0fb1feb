import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// One room's pages on the board (docs/adding-a-page.md): a small type holding the few things it
/// uses, which adds its routes to the signed-in group. `Board` composes them; the model is
/// Hummingbird's route collections and controller structs.
protocol BoardController: Sendable {
    func add(to signedIn: RouterGroup<TriageRequestContext>)
}

/// A controller that draws pages: the domain to ask, and the board's time zone for its clock.
protocol DrawsPages {
    var coordinator: Coordinator { get }
    var zone: TimeZone { get }
}

extension DrawsPages {
    /// Now, in the board's time zone.
    func clock() -> BoardClock { BoardClock(zone: zone, now: coordinator.now()) }
}
