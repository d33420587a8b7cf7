/**
 * The macOS launchd agent `rsync-tray service install` writes (~/Library/LaunchAgents), as text.
 * An agent, not a daemon: it runs in the user's session from login, which is where macOS lets a
 * program read the user's folders (a LaunchDaemon needs Full Disk Access granted by hand). launchd
 * has no sd_notify: KeepAlive restarts the engine when it exits with an error, and the engine's
 * status is `rsync-tray status`.
 */
import path from 'node:path';

export const LAUNCHD_LABEL = 'org.rsync-tray.engine';

const xml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function launchdPlist(o: { programArguments: string[]; logDir: string }): string {
  const args = o.programArguments.map((a) => `    <string>${xml(a)}</string>`).join('\n');
  const log = xml(path.join(o.logDir, 'rsync-tray.log'));
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ProcessType</key>
  <string>Background</string>
  <key>StandardOutPath</key>
  <string>${log}</string>
  <key>StandardErrorPath</key>
  <string>${log}</string>
</dict>
</plist>
`;
}
