"""What supervisors read and decide: reconciliation and its flags, comparison, conflict
resolution, incidents, evidence, exports, planning and official figures."""
