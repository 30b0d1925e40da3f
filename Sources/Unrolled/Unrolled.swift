// The chapters' lib cells are added to this module by the Tangle build plugin.
