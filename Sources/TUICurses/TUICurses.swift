import CNcursesw
import TUI
