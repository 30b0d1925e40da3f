import Foundation
import Testing
@testable import Notebook

@Test func transcriptFilesOutputUnderCells() throws {
    // A figure is framed by its byte count, so even a separator inside it is not a marker.
    let svg = "<svg>\n\u{1E}unrolled-cell 9\n</svg>"
    var text = "before\n"
    text += Notebook.cellMarker(0) + "\n" + "a\nb"
    text += Notebook.cellMarker(2) + "\n" + "c\n"
    text += Transcript.figureHeader(byteCount: svg.utf8.count) + "\n" + svg + "\n"
    text += "d\n"
    let outputs = Transcript.parse(Data(text.utf8))
    #expect(outputs[-1] == [.text("before\n")])
    #expect(outputs[0] == [.text("a\nb")])
    #expect(outputs[1] == nil)
    #expect(outputs[2] == [.text("c\n"), .figure(svg: svg), .text("d\n")])
}

@Test func strayRecordSeparatorsStayText() {
    let printed = "\u{1E}unrolled-cell x\n\u{1E}unrolled-figure 99\n<svg/>\u{1E}"
    #expect(Transcript.parse(Data((Notebook.cellMarker(1) + "\n" + printed).utf8)) == [1: [.text(printed)]])
}

@Test func progressLineReadsWell() {
    let line = Progress.line(step: 1200, total: 5000, loss: 2.31415, items: 30000, unit: "chars", elapsed: 6)
    #expect(line == "step 1200/5000   24%  loss 2.3142  5.0k chars/s  ETA 0:19")
    let done = Progress.line(step: 10, total: 10, loss: 1, items: 0, unit: "chars", elapsed: 3725)
    #expect(done.hasSuffix("done in 1:02:05"))
    // A 30-minute budget that ends the loop long before step 100,000,000: the clock's share.
    let timed = Progress.line(step: 600, total: 100_000_000, loss: 2, items: 60000, unit: "chars", elapsed: 720, timeLimit: 1800)
    #expect(timed == "step 600   40%  loss 2.0000  83 chars/s  ETA 18:00")
    // A budget the steps beat: the steps' share, as without one.
    let stepsFirst = Progress.line(step: 1200, total: 5000, loss: 2.31415, items: 30000, unit: "chars", elapsed: 6, timeLimit: 1800)
    #expect(stepsFirst == line)
}

@Test func transcriptCarriesRecordedValuesInputsAndFailedClaims() {
    var text = Notebook.cellMarker(0) + "\n" + "loss 0.52\n"
    text += Transcript.valueMarker(key: "loss.T4", value: "0.52\nnext") + "\n"
    text += Transcript.inputMarker(path: "/tmp/a b.txt") + "\n"
    text += Transcript.inputMarker(path: "/tmp/a b.txt") + "\n"
    text += Transcript.claimFailureMarker("chapters/03-x.md:12: claim failed: T = 4 learns it") + "\n"
    text += "after\n"
    let contents = Transcript.read(Data(text.utf8))
    #expect(contents.values == ["loss.T4": "0.52 next"])
    #expect(contents.inputs == ["/tmp/a b.txt"])
    #expect(contents.failedClaims == ["chapters/03-x.md:12: claim failed: T = 4 learns it"])
    #expect(contents.outputs[0] == [.text("loss 0.52\n⚠ chapters/03-x.md:12: claim failed: T = 4 learns it\nafter\n")])
}

@Test func recordedKeysAreWhatProseCanName() {
    #expect(Transcript.isValidKey("speedup.blas-naive_2"))
    #expect(!Transcript.isValidKey(""))
    #expect(!Transcript.isValidKey("a b"))
    #expect(!Transcript.isValidKey("a}}"))
    #expect(!Transcript.isValidKey("é"))
}

@Test func claimsBindTheBooksSettingsOnly() {
    #expect(Notebook.runsWithBookSettings(arguments: []))
    #expect(Notebook.runsWithBookSettings(arguments: ["--"]))
    #expect(Notebook.runsWithBookSettings(arguments: ["--seed", "3"]))
    #expect(Notebook.runsWithBookSettings(arguments: ["--", "--seed=3"]))
    #expect(!Notebook.runsWithBookSettings(arguments: ["--hidden", "8"]))
    #expect(!Notebook.runsWithBookSettings(arguments: ["--seed", "3", "--data", "x.txt"]))
    #expect(!Notebook.runsWithBookSettings(arguments: ["--seed"]))
}

@Test func claimsBindTheChaptersDeclaredArgumentsToo() {
    let declared = ["--real-corpora"]
    #expect(Notebook.runsWithBookSettings(arguments: ["--real-corpora"], bookArguments: declared))
    #expect(Notebook.runsWithBookSettings(arguments: ["--", "--real-corpora", "--seed", "4"], bookArguments: declared))
    #expect(Notebook.runsWithBookSettings(arguments: ["--seed=4", "--real-corpora"], bookArguments: declared))
    #expect(Notebook.runsWithBookSettings(arguments: [], bookArguments: declared), "the default part binds without them too")
    #expect(!Notebook.runsWithBookSettings(arguments: ["--real-corpora", "--hidden", "8"], bookArguments: declared))
    #expect(!Notebook.runsWithBookSettings(arguments: ["--real-corpora"]), "not binding for a chapter that declares nothing")
}

/// Exercise verdicts travel in the transcript, so `book solutions` can read them from a
/// cached run; a run that reached its end says so.
@Test func transcriptCarriesExerciseVerdictsAndTheEnd() {
    let pass = "exercise 4.2 · dW_hh: relative error 3.1e-11 (tolerance 1.0e-07) PASS"
    let fail = "exercise 4.3 · db_y: relative error 1.0e+00 (tolerance 1.0e-06) FAIL"
    let text = Notebook.cellMarker(0) + "\n" + pass + "\n" + Transcript.verdictMarker(exercise: "4.2", passed: true, line: pass) + "\n"
        + Transcript.verdictMarker(exercise: "4.3", passed: false, line: fail) + "\n"
        + Transcript.separator + "unrolled-verdict 4.4 MAYBE x\n"
    let contents = Transcript.read(Data(text.utf8))
    #expect(contents.verdicts == [Transcript.ExerciseVerdict(exercise: "4.2", passed: true, line: pass),
                                  Transcript.ExerciseVerdict(exercise: "4.3", passed: false, line: fail)])
    #expect(!contents.finished)
    #expect(contents.outputs[0] == [.text(pass + "\n\u{1E}unrolled-verdict 4.4 MAYBE x\n")], "a malformed marker stays text")
    let ended = Transcript.read(Data((text + Transcript.separator + "unrolled-claims-checked 2\n").utf8))
    #expect(ended.finished && ended.claimsChecked == 2)
}
