"""judgesmith.judge.backends"""
