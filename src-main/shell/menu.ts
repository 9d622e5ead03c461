// The application menu: File, Edit, View, Window and Help (with the app menu on macOS).
import { app, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron'

export function menuTemplate(): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = []
  if (mac) template.push({ role: 'appMenu' })
  template.push(
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Folder', click: () => void shell.openPath(app.getPath('userData')) },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About Kafkadesk',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About Kafkadesk',
              message: `Kafkadesk ${app.getVersion()}`,
              detail: `Kafka admin and monitoring console with an embedded Kafka-compatible cluster.\nElectron ${process.versions.electron ?? '?'} · Node ${process.versions.node}`,
            }),
        },
        { label: 'Kafka Documentation', click: () => void shell.openExternal('https://kafka.apache.org/documentation/') },
      ],
    },
  )
  return template
}

export function installMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()))
}
