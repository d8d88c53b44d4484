#!/usr/bin/python3
"""The desktop around the app's tray icon, on the test's private D-Bus bus.

  watch          a StatusNotifierWatcher with a host registered (what a panel
                 provides): prints one JSON line per icon that registers
  menu ADDR      the icon's menu (ADDR: "sender path" from `watch`), as JSON
  click ADDR ID  clicks the menu entry ID
  close TITLE    asks the X window titled TITLE to close (WM_DELETE_WINDOW,
                 what a window manager's close button sends)
"""
import ctypes
import json
import sys

from gi.repository import Gio, GLib

WATCHER_XML = """
<node><interface name="org.kde.StatusNotifierWatcher">
  <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
  <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
  <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
  <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
  <property name="ProtocolVersion" type="i" access="read"/>
  <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
  <signal name="StatusNotifierHostRegistered"/>
</interface></node>"""


def watch():
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    items = []

    def on_call(connection, sender, path, interface, method, params, invocation):
        if method == "RegisterStatusNotifierItem":
            service = params.unpack()[0]
            # libayatana-appindicator gives its object path; others a bus name.
            item = {"sender": sender, "path": service if service.startswith("/") else "/StatusNotifierItem"}
            items.append(f"{sender}{item['path']}")
            print(json.dumps(item), flush=True)
            connection.emit_signal(None, path, interface, "StatusNotifierItemRegistered", GLib.Variant("(s)", (items[-1],)))
        invocation.return_value(None)

    def on_get(connection, sender, path, interface, name):
        return {
            "RegisteredStatusNotifierItems": GLib.Variant("as", items),
            "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
            "ProtocolVersion": GLib.Variant("i", 0),
        }[name]

    info = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML).interfaces[0]
    bus.register_object("/StatusNotifierWatcher", info, on_call, on_get, None)
    Gio.bus_own_name_on_connection(bus, "org.kde.StatusNotifierWatcher", Gio.BusNameOwnerFlags.NONE,
                                   lambda *_: print(json.dumps({"ready": True}), flush=True), None)
    GLib.MainLoop().run()


def menu_of(sender, path):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    menu_path = bus.call_sync(sender, path, "org.freedesktop.DBus.Properties", "Get",
                              GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", "Menu")), None,
                              Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]
    return bus, menu_path


def menu(sender, path):
    bus, menu_path = menu_of(sender, path)
    _, layout = bus.call_sync(sender, menu_path, "com.canonical.dbusmenu", "GetLayout",
                              GLib.Variant("(iias)", (0, -1, [])), None, Gio.DBusCallFlags.NONE, 5000, None).unpack()
    entries = []
    for (item_id, props, _children) in layout[2]:
        if props.get("type") == "separator":
            continue
        entries.append({"id": item_id, "label": props.get("label", ""), "enabled": props.get("enabled", True)})
    print(json.dumps(entries))


def click(sender, path, item_id):
    bus, menu_path = menu_of(sender, path)
    bus.call_sync(sender, menu_path, "com.canonical.dbusmenu", "Event",
                  GLib.Variant("(isvu)", (int(item_id), "clicked", GLib.Variant("i", 0), 0)), None,
                  Gio.DBusCallFlags.NONE, 5000, None)


class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class XEvent(ctypes.Union):
    _fields_ = [("client", ClientMessage), ("pad", ctypes.c_long * 24)]


def close(window_id):
    x = ctypes.CDLL("libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
    x.XFlush.argtypes = [ctypes.c_void_p]
    display = x.XOpenDisplay(None)
    event = XEvent()
    event.client.type = 33  # ClientMessage
    event.client.window = int(window_id)
    event.client.message_type = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
    event.client.format = 32
    event.client.data[0] = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    event.client.data[1] = 0  # CurrentTime
    x.XSendEvent(display, int(window_id), 0, 0, ctypes.byref(event))
    x.XFlush(display)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"watch": watch, "menu": menu, "click": click, "close": close}[command](*args)
