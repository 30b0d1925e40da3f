import Foundation

/// The one line a training program prints when its loss is no longer a number, or nil
/// while the loss is finite.
///
/// Once a loss is NaN or infinite, every later update is meaningless: the weights have
/// overflowed, usually because the learning rate is too large for the problem. A program
/// that must go on after a diverged run (chapter 7 shows one on purpose) calls this and
/// reports the line; every other program calls `stopIfDiverged`.
public func divergenceMessage(_ loss: Double, atStep step: Int) -> String? {
    guard !loss.isFinite else { return nil }
    let program = URL(fileURLWithPath: CommandLine.arguments.first ?? "training").lastPathComponent
    return "\(program): training diverged: the loss became \(loss) at step \(step); try a smaller learning rate or clip the gradients"
}

/// Stops a training program when its loss is no longer a number: prints
/// `divergenceMessage` as one line on standard error and exits with status 1. Printing
/// `nan` for another minute helps nobody, so training loops call this after each forward
/// pass.
///
///     let pass = rnn.forward(…)
///     stopIfDiverged(pass.loss, atStep: k)
public func stopIfDiverged(_ loss: Double, atStep step: Int) {
    guard let message = divergenceMessage(loss, atStep: step) else { return }
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}
