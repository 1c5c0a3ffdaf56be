"""dutycli: query responsibility breakdown tables (目标任务责任分解表) from the command line."""

__version__ = "0.1.0"
