// Built from chapters/11-looking-inside.md: the Tangle plugin generates this target's main.swift.
