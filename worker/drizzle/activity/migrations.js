import journal from './meta/_journal.json';
import m0000 from './0000_create_activity_log.sql';
import m0001 from './0001_log_keyed_by_time.sql';
import m0002 from './0002_add_external_durations.sql';
import m0003 from './0003_add_relay_outbox.sql';
import m0004 from './0004_add_day_summaries.sql';
import m0005 from './0005_add_day_projects.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004,
m0005
    }
  }
  