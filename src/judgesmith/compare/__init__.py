"""`judgesmith compare`: several models' outputs judged against a baseline, a leaderboard with CIs."""
