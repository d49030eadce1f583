"""What-if sweeps and risk: many variants of one scenario, solved fast."""
