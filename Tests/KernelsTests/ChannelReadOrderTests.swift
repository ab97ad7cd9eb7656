import JupyterProtocol
import Testing
@testable import ZeroMQTransport

/// The socket thread reads each poll round's ready sockets in `ChannelSet.readOrder`,
/// indexing the poll items laid out in `ChannelSet.order`.
@Suite struct ChannelReadOrderTests {
    @Test func iopubIsReadBeforeTheReplyChannels() {
        #expect(ChannelSet.readOrder.map(\.channel) == [.iopub, .shell, .control, .stdin])
    }

    @Test func everyChannelIsReadThroughItsOwnPollItem() {
        for (index, channel) in ChannelSet.readOrder {
            #expect(ChannelSet.order[index] == channel)
        }
        #expect(Set(ChannelSet.readOrder.map(\.index)) == Set(ChannelSet.order.indices))
    }
}
