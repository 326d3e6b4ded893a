import Foundation
import SeizureMessages
import Testing

@Suite struct GeneratorTests {
    @Test func theSameSeedGivesTheSameMessages() {
        #expect(SeizureMessages(count: 300, seed: 5).senderLogCSV() == SeizureMessages(count: 300, seed: 5).senderLogCSV())
        #expect(SeizureMessages(count: 300, seed: 5).senderLogCSV() != SeizureMessages(count: 300, seed: 6).senderLogCSV())
    }

    @Test func writesTheSenderLogAndItsGroundTruth() {
        let generated = SeizureMessages(count: 2000, seed: 9)
        let log = generated.senderLogCSV().split(separator: "\n")
        #expect(log.first == "time,direction,from,to,text,status,port")
        #expect(log.count == 2001)
        let truth = generated.truthCSV().split(separator: "\n")
        #expect(truth.first == "row,cluster")
        #expect(truth[1] == "1,\(generated.messages[0].truth)")
        for message in generated.messages {
            #expect(["in", "out"].contains(message.direction))
            #expect(["sent", "delivered", "failed", "received"].contains(message.status))
            #expect(message.direction == "in" ? message.status == "received" : message.status != "received")
            #expect((1...384).contains(message.port))
        }
        let spam = Double(generated.messages.filter { $0.truth.hasPrefix("spam") }.count) / 2000
        #expect(abs(spam - SeizureMessages.spamShare) < 0.05)
    }
}
