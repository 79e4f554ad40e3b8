import Schedules
