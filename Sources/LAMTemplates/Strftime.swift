import Foundation

/// C's `strftime` for the directives chat templates use (`%d %B %Y`, `%Y-%m-%d`, …), in the C locale.
enum Strftime {
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"]
    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func format(_ format: String, _ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        let day = parts.day ?? 1
        let hour = parts.hour ?? 0
        let minute = parts.minute ?? 0
        let second = parts.second ?? 0
        let weekday = (parts.weekday ?? 1) - 1
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        func padded(_ number: Int, _ width: Int = 2) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var result = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let directive = scalars.next() else {
                result += "%"
                break
            }
            switch directive {
            case "Y": result += String(year)
            case "y": result += padded(year % 100)
            case "m": result += padded(month)
            case "d": result += padded(day)
            case "e": result += (day < 10 ? " " : "") + String(day)
            case "B": result += months[month - 1]
            case "b", "h": result += String(months[month - 1].prefix(3))
            case "A": result += weekdays[weekday]
            case "a": result += String(weekdays[weekday].prefix(3))
            case "H": result += padded(hour)
            case "I": result += padded(hour % 12 == 0 ? 12 : hour % 12)
            case "M": result += padded(minute)
            case "S": result += padded(second)
            case "p": result += hour < 12 ? "AM" : "PM"
            case "j": result += padded(dayOfYear, 3)
            case "F": result += "\(year)-\(padded(month))-\(padded(day))"
            case "T": result += "\(padded(hour)):\(padded(minute)):\(padded(second))"
            case "%": result += "%"
            default:
                result += "%"
                result.unicodeScalars.append(directive)
            }
        }
        return result
    }
}
