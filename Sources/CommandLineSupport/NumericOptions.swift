// Every numeric option of the book's programs is declared with the values it accepts:
//
//     @Option(help: "Training steps.", range: 1...100_000)
//     var steps = 1500
//
// The range is checked while the command line is parsed, before any work; the help text
// shows it with the default (`Training steps. (1 to 100000; default 1500)`); and a refused
// value is one line naming the option, the value and the limit:
//
//     ch05: The value '0' is invalid for '--steps <steps>': must be a whole number from 1 to 100000
//
// The value is read with `.unconditional` parsing: the word after the flag is its value
// even when it starts with `-`, so `--temperature -1` is refused as a negative temperature
// instead of being taken for an unknown flag and reported as a missing value. Numbers too
// large for the type (9223372036854775807 + 1), `nan` and `inf` are refused the same way, so
// no later arithmetic on an option can overflow or trap.

import ArgumentParser

/// Why a value was refused; its description is what follows the option's name.
public struct OptionValueError: Error, CustomStringConvertible {
    public let description: String
}

/// Accepts a whole number in `range`.
public func accept<Number: FixedWidthInteger & Sendable>(_ range: ClosedRange<Number>) -> @Sendable (String) throws -> Number {
    { text in
        guard let value = Number(text), range.contains(value) else {
            throw OptionValueError(description: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

/// Accepts a finite number in `range` (so not `nan`, not `inf`), or, with `excludingLower`,
/// one above its lower bound: a temperature or a learning rate must be positive but may be
/// as small as you like.
public func accept<Number: BinaryFloatingPoint & LosslessStringConvertible & Sendable>(
    _ range: ClosedRange<Number>, excludingLower: Bool = false
) -> @Sendable (String) throws -> Number {
    { text in
        guard let value = Number(text), value.isFinite, range.contains(value),
              !(excludingLower && value == range.lowerBound) else {
            throw OptionValueError(description: "must be a number " + describe(range, excludingLower: excludingLower))
        }
        return value
    }
}

private func describe<Number>(_ range: ClosedRange<Number>, excludingLower: Bool) -> String {
    excludingLower ? "above \(range.lowerBound) and at most \(range.upperBound)" : "from \(range.lowerBound) to \(range.upperBound)"
}

private func helpText<Number>(_ help: String, _ range: ClosedRange<Number>, excludingLower: Bool = false, default value: String) -> ArgumentHelp {
    ArgumentHelp("\(help) (\(excludingLower ? describe(range, excludingLower: true) : "\(range.lowerBound) to \(range.upperBound)"); default \(value))")
}

extension Option where Value: FixedWidthInteger & Sendable {
    /// A whole-number option that accepts `range`.
    public init(wrappedValue: Value, name: NameSpecification = .long, help: String, range: ClosedRange<Value>) {
        precondition(range.contains(wrappedValue), "the default \(wrappedValue) is outside \(range)")
        let shown = range == Value.min...Value.max ? ArgumentHelp("\(help) (default \(wrappedValue))")
                                                     : helpText(help, range, default: "\(wrappedValue)")
        self.init(wrappedValue: wrappedValue, name: name, parsing: .unconditional, help: shown, transform: accept(range))
    }
}

extension Option where Value: BinaryFloatingPoint & LosslessStringConvertible & Sendable {
    /// A number option that accepts finite values in `range` (above its lower bound only,
    /// with `excludingLower`).
    public init(wrappedValue: Value, name: NameSpecification = .long, help: String, range: ClosedRange<Value>, excludingLower: Bool = false) {
        precondition(range.contains(wrappedValue), "the default \(wrappedValue) is outside \(range)")
        self.init(wrappedValue: wrappedValue, name: name, parsing: .unconditional,
                  help: helpText(help, range, excludingLower: excludingLower, default: "\(wrappedValue)"),
                  transform: accept(range, excludingLower: excludingLower))
    }
}

extension Option {
    /// An optional whole-number option (no default: absent means "not given").
    public init<Number: FixedWidthInteger & Sendable>(
        name: NameSpecification = .long, help: String, range: ClosedRange<Number>
    ) where Value == Number? {
        self.init(name: name, parsing: .unconditional,
                  help: ArgumentHelp("\(help) (\(range.lowerBound) to \(range.upperBound))"), transform: accept(range))
    }

    /// An optional number option (no default: absent means "not given").
    public init<Number: BinaryFloatingPoint & LosslessStringConvertible & Sendable>(
        name: NameSpecification = .long, help: String, range: ClosedRange<Number>, excludingLower: Bool = false
    ) where Value == Number? {
        self.init(name: name, parsing: .unconditional,
                  help: ArgumentHelp("\(help) (\(describe(range, excludingLower: excludingLower)))"),
                  transform: accept(range, excludingLower: excludingLower))
    }

    /// A list of whole numbers, each in `range`, given after one flag: `--compare 2 5 15`.
    public init<Number: FixedWidthInteger & Sendable>(
        wrappedValue: [Number], name: NameSpecification = .long, help: String, eachIn range: ClosedRange<Number>
    ) where Value == [Number] {
        self.init(wrappedValue: wrappedValue, name: name, parsing: .upToNextOption,
                  help: ArgumentHelp("\(help) (each \(range.lowerBound) to \(range.upperBound); default \(wrappedValue.map(String.init).joined(separator: " ")))"),
                  transform: accept(range))
    }
}
