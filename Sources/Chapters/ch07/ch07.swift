// Built from chapters/07-exploding-and-vanishing-gradients.md: the Tangle plugin generates this target's main.swift.
