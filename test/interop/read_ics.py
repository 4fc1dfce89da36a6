#!/usr/bin/python3
"""Reads an iCalendar file with one of Debian's parsers and prints what it understood, as JSON.

usage: read_ics.py icalendar|vobject|libical FILE

Each reader is used as a calendar application would use it; nothing here repairs its input.
vobject is run validating (readOne(validate=True) and .validate()): it raises on what it rejects.
"""
import json
import sys


def text(value):
    return None if value is None else str(value)


def with_icalendar(data):
    import icalendar
    calendar = icalendar.Calendar.from_ical(data)
    events = []
    for component in calendar.walk('VEVENT'):
        attendees = component.get('ATTENDEE') or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        organizer = component.get('ORGANIZER')
        events.append({
            'uid': text(component.get('UID')),
            'summary': text(component.get('SUMMARY')),
            'description': text(component.get('DESCRIPTION')),
            'organizer': {'cn': text(organizer.params.get('CN')), 'value': text(organizer)},
            'attendees': [{'cn': text(a.params.get('CN')), 'value': text(a)} for a in attendees],
        })
    return {'name': text(calendar.get('X-WR-CALNAME')), 'events': events}


def with_vobject(data):
    import vobject
    calendar = vobject.readOne(data.decode('utf-8'), validate=True)
    calendar.validate(raiseException=True)
    events = []
    for vevent in calendar.contents.get('vevent', []):
        def first(name):
            lines = vevent.contents.get(name)
            return lines[0] if lines else None

        def cn(line):
            values = line.params.get('CN')
            return values[0] if values else None

        organizer = first('organizer')
        events.append({
            'uid': text(first('uid').value),
            'summary': text(first('summary').value),
            'description': text(first('description').value if first('description') else None),
            'organizer': {'cn': cn(organizer), 'value': organizer.value},
            'attendees': [{'cn': cn(a), 'value': a.value} for a in vevent.contents.get('attendee', [])],
        })
    name = calendar.contents.get('x-wr-calname')
    return {'name': name[0].value if name else None, 'events': events}


def with_libical(data):
    import gi
    gi.require_version('ICalGLib', '3.0')
    from gi.repository import ICalGLib as ICal
    calendar = ICal.Component.new_from_string(data.decode('utf-8'))
    if calendar is None:
        raise ValueError('libical could not parse the calendar')
    events = []
    vevent = calendar.get_first_component(ICal.ComponentKind.VEVENT_COMPONENT)
    while vevent is not None:
        def params(prop):
            return {'cn': prop.get_first_parameter(ICal.ParameterKind.CN_PARAMETER).get_cn()
                    if prop.get_first_parameter(ICal.ParameterKind.CN_PARAMETER) else None}
        organizer = vevent.get_first_property(ICal.PropertyKind.ORGANIZER_PROPERTY)
        attendees = []
        prop = vevent.get_first_property(ICal.PropertyKind.ATTENDEE_PROPERTY)
        while prop is not None:
            attendees.append({**params(prop), 'value': prop.get_attendee()})
            prop = vevent.get_next_property(ICal.PropertyKind.ATTENDEE_PROPERTY)
        # A property libical could not read becomes X-LIC-ERROR: that is a rejection too.
        errors = []
        prop = vevent.get_first_property(ICal.PropertyKind.XLICERROR_PROPERTY)
        while prop is not None:
            errors.append(prop.get_xlicerror())
            prop = vevent.get_next_property(ICal.PropertyKind.XLICERROR_PROPERTY)
        if errors:
            raise ValueError('libical: ' + '; '.join(errors))
        events.append({
            'uid': vevent.get_uid(),
            'summary': vevent.get_summary(),
            'description': vevent.get_description(),
            'organizer': {**params(organizer), 'value': organizer.get_organizer()},
            'attendees': attendees,
        })
        vevent = calendar.get_next_component(ICal.ComponentKind.VEVENT_COMPONENT)
    name = None
    prop = calendar.get_first_property(ICal.PropertyKind.X_PROPERTY)
    while prop is not None:
        if prop.get_x_name() == 'X-WR-CALNAME':
            name = prop.get_x()
        prop = calendar.get_next_property(ICal.PropertyKind.X_PROPERTY)
    return {'name': name, 'events': events}


READERS = {'icalendar': with_icalendar, 'vobject': with_vobject, 'libical': with_libical}

if __name__ == '__main__':
    reader, path = sys.argv[1], sys.argv[2]
    with open(path, 'rb') as f:
        print(json.dumps(READERS[reader](f.read()), ensure_ascii=False))
