// Built from chapters/01-the-recurrent-cell.md: the Tangle plugin generates this target's main.swift.
