import Foundation

/// Stops a training program when its loss is no longer a number.
///
/// Once a loss is NaN or infinite, every later update is meaningless: the weights have
/// overflowed, usually because the learning rate is too large for the problem. Printing
/// `nan` for another minute helps nobody, so training loops call this after each forward
/// pass. It prints one line on standard error and exits with status 1.
///
///     let pass = rnn.forward(…)
///     stopIfDiverged(pass.loss, atStep: k)
public func stopIfDiverged(_ loss: Double, atStep step: Int) {
    guard !loss.isFinite else { return }
    let program = URL(fileURLWithPath: CommandLine.arguments.first ?? "training").lastPathComponent
    FileHandle.standardError.write(Data((
        "\(program): training diverged: the loss became \(loss) at step \(step); try a smaller learning rate or clip the gradients\n"
    ).utf8))
    exit(1)
}
