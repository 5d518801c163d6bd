/**
 * Reference data for the patient generator: names by community, cities with their GST state code and
 * PIN-code prefix. Lists are ordered roughly from common to rare; the generator weights them that way.
 */
export type Region = 'north' | 'south' | 'east' | 'west';

export interface City {
  name: string;
  stateCode: string;
  /** First three digits of the city's PIN codes. */
  pinPrefix: string;
  region: Region;
  /** Relative size (how many patients come from there). */
  weight: number;
}

export const CITIES: readonly City[] = [
  // West
  { name: 'Pune', stateCode: '27', pinPrefix: '411', region: 'west', weight: 30 },
  { name: 'Mumbai', stateCode: '27', pinPrefix: '400', region: 'west', weight: 25 },
  { name: 'Nagpur', stateCode: '27', pinPrefix: '440', region: 'west', weight: 6 },
  { name: 'Nashik', stateCode: '27', pinPrefix: '422', region: 'west', weight: 5 },
  { name: 'Kolhapur', stateCode: '27', pinPrefix: '416', region: 'west', weight: 3 },
  { name: 'Ahmedabad', stateCode: '24', pinPrefix: '380', region: 'west', weight: 10 },
  { name: 'Surat', stateCode: '24', pinPrefix: '395', region: 'west', weight: 7 },
  { name: 'Vadodara', stateCode: '24', pinPrefix: '390', region: 'west', weight: 4 },
  { name: 'Rajkot', stateCode: '24', pinPrefix: '360', region: 'west', weight: 3 },
  { name: 'Panaji', stateCode: '30', pinPrefix: '403', region: 'west', weight: 2 },
  { name: 'Indore', stateCode: '23', pinPrefix: '452', region: 'west', weight: 4 },
  { name: 'Bhopal', stateCode: '23', pinPrefix: '462', region: 'west', weight: 3 },
  // North
  { name: 'New Delhi', stateCode: '07', pinPrefix: '110', region: 'north', weight: 20 },
  { name: 'Gurugram', stateCode: '06', pinPrefix: '122', region: 'north', weight: 5 },
  { name: 'Noida', stateCode: '09', pinPrefix: '201', region: 'north', weight: 5 },
  { name: 'Lucknow', stateCode: '09', pinPrefix: '226', region: 'north', weight: 6 },
  { name: 'Kanpur', stateCode: '09', pinPrefix: '208', region: 'north', weight: 4 },
  { name: 'Varanasi', stateCode: '09', pinPrefix: '221', region: 'north', weight: 3 },
  { name: 'Jaipur', stateCode: '08', pinPrefix: '302', region: 'north', weight: 6 },
  { name: 'Jodhpur', stateCode: '08', pinPrefix: '342', region: 'north', weight: 2 },
  { name: 'Chandigarh', stateCode: '04', pinPrefix: '160', region: 'north', weight: 3 },
  { name: 'Ludhiana', stateCode: '03', pinPrefix: '141', region: 'north', weight: 3 },
  { name: 'Amritsar', stateCode: '03', pinPrefix: '143', region: 'north', weight: 2 },
  { name: 'Dehradun', stateCode: '05', pinPrefix: '248', region: 'north', weight: 2 },
  { name: 'Shimla', stateCode: '02', pinPrefix: '171', region: 'north', weight: 1 },
  { name: 'Srinagar', stateCode: '01', pinPrefix: '190', region: 'north', weight: 1 },
  // South
  { name: 'Bengaluru', stateCode: '29', pinPrefix: '560', region: 'south', weight: 20 },
  { name: 'Mysuru', stateCode: '29', pinPrefix: '570', region: 'south', weight: 3 },
  { name: 'Mangaluru', stateCode: '29', pinPrefix: '575', region: 'south', weight: 2 },
  { name: 'Chennai', stateCode: '33', pinPrefix: '600', region: 'south', weight: 14 },
  { name: 'Coimbatore', stateCode: '33', pinPrefix: '641', region: 'south', weight: 4 },
  { name: 'Madurai', stateCode: '33', pinPrefix: '625', region: 'south', weight: 3 },
  { name: 'Hyderabad', stateCode: '36', pinPrefix: '500', region: 'south', weight: 14 },
  { name: 'Warangal', stateCode: '36', pinPrefix: '506', region: 'south', weight: 1 },
  { name: 'Visakhapatnam', stateCode: '37', pinPrefix: '530', region: 'south', weight: 3 },
  { name: 'Vijayawada', stateCode: '37', pinPrefix: '520', region: 'south', weight: 3 },
  { name: 'Kochi', stateCode: '32', pinPrefix: '682', region: 'south', weight: 4 },
  { name: 'Thiruvananthapuram', stateCode: '32', pinPrefix: '695', region: 'south', weight: 3 },
  { name: 'Kozhikode', stateCode: '32', pinPrefix: '673', region: 'south', weight: 2 },
  { name: 'Puducherry', stateCode: '34', pinPrefix: '605', region: 'south', weight: 1 },
  // East
  { name: 'Kolkata', stateCode: '19', pinPrefix: '700', region: 'east', weight: 18 },
  { name: 'Howrah', stateCode: '19', pinPrefix: '711', region: 'east', weight: 3 },
  { name: 'Siliguri', stateCode: '19', pinPrefix: '734', region: 'east', weight: 2 },
  { name: 'Durgapur', stateCode: '19', pinPrefix: '713', region: 'east', weight: 2 },
  { name: 'Bhubaneswar', stateCode: '21', pinPrefix: '751', region: 'east', weight: 4 },
  { name: 'Cuttack', stateCode: '21', pinPrefix: '753', region: 'east', weight: 2 },
  { name: 'Patna', stateCode: '10', pinPrefix: '800', region: 'east', weight: 5 },
  { name: 'Gaya', stateCode: '10', pinPrefix: '823', region: 'east', weight: 1 },
  { name: 'Ranchi', stateCode: '20', pinPrefix: '834', region: 'east', weight: 3 },
  { name: 'Jamshedpur', stateCode: '20', pinPrefix: '831', region: 'east', weight: 2 },
  { name: 'Guwahati', stateCode: '18', pinPrefix: '781', region: 'east', weight: 3 },
  { name: 'Raipur', stateCode: '22', pinPrefix: '492', region: 'east', weight: 2 },
];

/** How a community writes a full name. */
export type NameStyle =
  | 'first-middle-last' // Ramesh Kumar Sharma, Sachin Ramesh Patil (middle optional)
  | 'initial-first-last' // K. Lakshmi Iyer / Lakshmi K Iyer (South: an initial for the father's name or village)
  | 'father-middle' // Marathi / Gujarati: the father's (or husband's) first name as the middle name
  | 'sikh'; // Gurpreet Singh Gill, Harleen Kaur Sandhu

export interface Community {
  key: string;
  /** Regions whose cities its families live in, with weights. */
  regions: Partial<Record<Region, number>>;
  weight: number;
  style: NameStyle;
  surnames: readonly string[];
  male: readonly string[];
  female: readonly string[];
  maleMiddle?: readonly string[];
  femaleMiddle?: readonly string[];
  /** Share of people written with a middle name (or initial). */
  middleShare: number;
}

export const COMMUNITIES: readonly Community[] = [
  {
    key: 'hindi',
    regions: { north: 10, east: 1, west: 1 },
    weight: 22,
    style: 'first-middle-last',
    surnames: [
      'Sharma', 'Verma', 'Gupta', 'Singh', 'Yadav', 'Agarwal', 'Mishra', 'Pandey', 'Tiwari', 'Srivastava', 'Chauhan', 'Saxena',
      'Kapoor', 'Khanna', 'Malhotra', 'Mehra', 'Bhatia', 'Arora', 'Sethi', 'Chopra', 'Tandon', 'Rastogi', 'Dubey', 'Tripathi',
      'Shukla', 'Chaudhary', 'Rajput', 'Thakur', 'Rathore', 'Bansal', 'Goel', 'Jain', 'Rawat', 'Negi', 'Bisht', 'Joshi', 'Kaushik',
      'Bhardwaj', 'Awasthi', 'Dwivedi',
    ],
    male: [
      'Ramesh', 'Suresh', 'Rajesh', 'Amit', 'Rahul', 'Sanjay', 'Vijay', 'Anil', 'Sunil', 'Manoj', 'Rakesh', 'Mukesh', 'Dinesh',
      'Sumit', 'Rohit', 'Mohit', 'Ankit', 'Vikas', 'Vivek', 'Ajay', 'Arun', 'Ashok', 'Deepak', 'Pankaj', 'Gaurav', 'Saurabh',
      'Nitin', 'Harish', 'Naresh', 'Pradeep', 'Sandeep', 'Kuldeep', 'Arjun', 'Aryan', 'Vihaan', 'Kabir', 'Aarav', 'Ishaan', 'Yash',
      'Ravi', 'Alok', 'Shivam', 'Abhay', 'Devendra', 'Rajendra', 'Umesh', 'Mahendra', 'Hemant',
    ],
    female: [
      'Sunita', 'Anita', 'Kavita', 'Pooja', 'Neha', 'Priya', 'Savita', 'Geeta', 'Seema', 'Anjali', 'Shalini', 'Rekha', 'Rashmi',
      'Nisha', 'Ritu', 'Sarita', 'Kiran', 'Poonam', 'Suman', 'Usha', 'Asha', 'Manju', 'Mamta', 'Sonia', 'Preeti', 'Swati', 'Shweta',
      'Divya', 'Ananya', 'Aaradhya', 'Saanvi', 'Diya', 'Komal', 'Jyoti', 'Aarti', 'Shikha', 'Tanvi', 'Vandana', 'Ruchi', 'Nidhi',
      'Pallavi', 'Meenu', 'Archana', 'Radhika', 'Kriti', 'Sakshi',
    ],
    maleMiddle: ['Kumar', 'Prasad', 'Chandra', 'Nath', 'Lal', 'Kishore', 'Mohan', 'Prakash', 'Pratap', 'Narayan'],
    femaleMiddle: ['Devi', 'Rani', 'Kumari', 'Lata', 'Bala'],
    middleShare: 0.35,
  },
  {
    key: 'punjabi',
    regions: { north: 10, west: 1 },
    weight: 3,
    style: 'sikh',
    surnames: ['Gill', 'Sandhu', 'Dhillon', 'Grewal', 'Sidhu', 'Bedi', 'Ahluwalia', 'Bajwa', 'Brar', 'Randhawa', 'Virk', 'Chahal'],
    male: [
      'Gurpreet', 'Harpreet', 'Manpreet', 'Jaspreet', 'Harjeet', 'Balwinder', 'Kulwinder', 'Sukhwinder', 'Amarjeet', 'Jagdeep',
      'Paramjit', 'Ranjit', 'Daljeet', 'Gurdeep', 'Navjot', 'Arshdeep',
    ],
    female: [
      'Harleen', 'Jasleen', 'Gurleen', 'Simran', 'Manpreet', 'Navneet', 'Rajwinder', 'Kuljeet', 'Amandeep', 'Harpreet', 'Jaspreet',
      'Gurpreet', 'Sukhmani', 'Prabhjot',
    ],
    maleMiddle: ['Singh'],
    femaleMiddle: ['Kaur'],
    middleShare: 0.9,
  },
  {
    key: 'muslim',
    regions: { north: 4, west: 3, east: 2, south: 2 },
    weight: 9,
    style: 'first-middle-last',
    surnames: ['Khan', 'Shaikh', 'Ansari', 'Qureshi', 'Siddiqui', 'Pathan', 'Sayyed', 'Hussain', 'Ahmed', 'Mirza', 'Baig', 'Memon', 'Rizvi', 'Naqvi'],
    male: [
      'Mohammed', 'Imran', 'Salman', 'Faisal', 'Irfan', 'Shahid', 'Aslam', 'Sameer', 'Imtiyaz', 'Abdul', 'Arif', 'Rizwan', 'Zaheer',
      'Ayaan', 'Zaid', 'Javed', 'Naveed', 'Tariq', 'Asif', 'Farhan',
    ],
    female: [
      'Fatima', 'Ayesha', 'Nazia', 'Farah', 'Shabana', 'Rukhsar', 'Zainab', 'Rubina', 'Nasreen', 'Sana', 'Heena', 'Tabassum', 'Zoya',
      'Alina', 'Shaheen', 'Nargis', 'Mehnaz', 'Afreen',
    ],
    maleMiddle: ['Abdul', 'Mohammed', 'Ali', 'Ahmed'],
    femaleMiddle: ['Bano', 'Begum', 'Khatoon'],
    middleShare: 0.2,
  },
  {
    key: 'christian',
    regions: { west: 3, south: 4, east: 1 },
    weight: 3,
    style: 'first-middle-last',
    surnames: ['Fernandes', "D'Souza", 'Pereira', 'Rodrigues', 'Gomes', 'Dias', 'Thomas', 'Mathew', 'Joseph', 'Kurian', 'George', 'Varghese', 'Chacko', 'Lobo', 'Pinto'],
    male: ['Joseph', 'Francis', 'Anthony', 'John', 'Thomas', 'George', 'Jacob', 'Joel', 'Ryan', 'Kevin', 'Aaron', 'Savio', 'Melwyn', 'Shaun'],
    female: ['Maria', 'Mary', 'Sheryl', 'Elizabeth', 'Ancy', 'Jincy', 'Rose', 'Teresa', 'Grace', 'Alisha', 'Sharon', 'Celine', 'Precilla'],
    maleMiddle: ['Mathew', 'Joseph', 'Xavier', 'Peter'],
    femaleMiddle: ['Mary', 'Anne', 'Rose'],
    middleShare: 0.25,
  },
  {
    key: 'tamil',
    regions: { south: 10 },
    weight: 7,
    style: 'initial-first-last',
    surnames: [
      'Krishnan', 'Subramanian', 'Iyer', 'Iyengar', 'Raman', 'Venkatesan', 'Srinivasan', 'Ramachandran', 'Rajan', 'Murugan',
      'Pandian', 'Chettiar', 'Mudaliar', 'Sundaram', 'Natarajan', 'Balasubramanian', 'Shanmugam', 'Arumugam', 'Kumar',
    ],
    male: [
      'Venkatesh', 'Karthik', 'Senthil', 'Murali', 'Rajendran', 'Karthikeyan', 'Balaji', 'Vignesh', 'Ganesh', 'Prakash', 'Arun',
      'Ramesh', 'Suresh', 'Siva', 'Sivakumar', 'Manikandan', 'Muthu', 'Rajkumar', 'Anand', 'Aravind', 'Ashwin', 'Hari', 'Shankar',
      'Saravanan', 'Dinesh', 'Aadhav', 'Sai', 'Kavin',
    ],
    female: [
      'Lakshmi', 'Meenakshi', 'Kamala', 'Revathi', 'Shanthi', 'Sowmya', 'Divya', 'Deepa', 'Priya', 'Kavya', 'Keerthi', 'Swathi',
      'Nithya', 'Gayathri', 'Sangeetha', 'Malini', 'Vidya', 'Uma', 'Sudha', 'Geetha', 'Latha', 'Hema', 'Harini', 'Pavithra',
      'Aishwarya', 'Ramya',
    ],
    middleShare: 0.6,
  },
  {
    key: 'malayali',
    regions: { south: 10 },
    weight: 4,
    style: 'initial-first-last',
    surnames: ['Nair', 'Menon', 'Pillai', 'Kurup', 'Panicker', 'Nambiar', 'Warrier', 'Unnikrishnan', 'Namboodiri', 'Kaimal', 'Thampi'],
    male: [
      'Anoop', 'Biju', 'Shaji', 'Jithin', 'Sreejith', 'Vineeth', 'Vinod', 'Rajeev', 'Sajeev', 'Manoj', 'Arjun', 'Nikhil', 'Gokul',
      'Hari', 'Harikrishnan', 'Unni', 'Sanjay', 'Abhijith',
    ],
    female: [
      'Lekha', 'Sreeja', 'Parvathy', 'Anitha', 'Reshma', 'Bindu', 'Sindhu', 'Divya', 'Aparna', 'Anjana', 'Gopika', 'Nimisha', 'Meera',
      'Asha', 'Remya', 'Athira',
    ],
    middleShare: 0.4,
  },
  {
    key: 'telugu-kannada',
    regions: { south: 10 },
    weight: 9,
    style: 'initial-first-last',
    surnames: [
      'Reddy', 'Rao', 'Naidu', 'Chowdary', 'Raju', 'Varma', 'Sastry', 'Shetty', 'Hegde', 'Gowda', 'Kamath', 'Bhat', 'Pai', 'Acharya',
      'Murthy', 'Prasad', 'Goud', 'Setty',
    ],
    male: [
      'Srinivas', 'Venkat', 'Ramesh', 'Suresh', 'Naveen', 'Praveen', 'Mahesh', 'Satish', 'Krishna', 'Raghu', 'Raghavendra', 'Gopal',
      'Kiran', 'Pradeep', 'Sandeep', 'Vamsi', 'Chaitanya', 'Harsha', 'Manjunath', 'Nagaraj', 'Prashanth', 'Tejas', 'Rohan', 'Abhishek',
      'Dhruv', 'Advait',
    ],
    female: [
      'Lakshmi', 'Padma', 'Vijaya', 'Radha', 'Anusha', 'Bhavana', 'Sandhya', 'Sneha', 'Swathi', 'Ramya', 'Deepika', 'Sravani',
      'Mounika', 'Keerthana', 'Pavani', 'Shreya', 'Varsha', 'Nandini', 'Rashmi', 'Shwetha', 'Manasa', 'Aadhya', 'Ishita',
    ],
    middleShare: 0.5,
  },
  {
    key: 'bengali',
    regions: { east: 10, north: 1 },
    weight: 8,
    style: 'first-middle-last',
    surnames: [
      'Das', 'Ghosh', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Bhattacharya', 'Roy', 'Dutta', 'Sen', 'Bose', 'Saha', 'Mondal',
      'Sarkar', 'Biswas', 'Chakraborty', 'Ganguly', 'Sengupta', 'Pal', 'Majumdar', 'Mitra', 'Nandi', 'Paul', 'Halder', 'Dey',
    ],
    male: [
      'Subhas', 'Sourav', 'Sayan', 'Arindam', 'Abhijit', 'Anirban', 'Debashish', 'Partha', 'Prosenjit', 'Ranjan', 'Sanjib', 'Tapas',
      'Biswajit', 'Indranil', 'Kaushik', 'Sudipto', 'Somnath', 'Arnab', 'Pritam', 'Subrata', 'Tanmay', 'Dipankar', 'Suman', 'Bikash',
      'Ayan', 'Rupam', 'Bhaskar', 'Jayanta', 'Pranab', 'Gautam', 'Uttam', 'Ritwik', 'Rudra',
    ],
    female: [
      'Moumita', 'Sharmistha', 'Ananya', 'Rituparna', 'Sreya', 'Tanushree', 'Paromita', 'Debjani', 'Mousumi', 'Sanchita', 'Sudeshna',
      'Swagata', 'Rupa', 'Mita', 'Jayashree', 'Bipasha', 'Payel', 'Priyanka', 'Puja', 'Rima', 'Soma', 'Madhumita', 'Sutapa', 'Arpita',
      'Shreyasi', 'Trisha', 'Oindrila', 'Koel', 'Susmita', 'Barnali',
    ],
    maleMiddle: ['Kumar', 'Chandra', 'Ranjan', 'Nath', 'Prasad', 'Sankar'],
    femaleMiddle: ['Rani', 'Lata', 'Bala'],
    middleShare: 0.2,
  },
  {
    key: 'odia-assamese-bihari',
    regions: { east: 10 },
    weight: 6,
    style: 'first-middle-last',
    surnames: [
      'Mohanty', 'Patnaik', 'Panda', 'Mahapatra', 'Sahoo', 'Behera', 'Nayak', 'Baruah', 'Bora', 'Gogoi', 'Kalita', 'Hazarika',
      'Sinha', 'Jha', 'Prasad', 'Mahto', 'Kumar', 'Choudhury', 'Pradhan',
    ],
    male: [
      'Sambit', 'Debasis', 'Soumya', 'Manas', 'Pradyumna', 'Bibhuti', 'Rabindra', 'Himangshu', 'Dhiraj', 'Rishi', 'Ashutosh',
      'Prabhat', 'Santosh', 'Rajiv', 'Sushil', 'Binod', 'Ravi', 'Amit', 'Abhinav',
    ],
    female: [
      'Itishree', 'Subhashree', 'Sasmita', 'Monalisa', 'Lipika', 'Nibedita', 'Bandana', 'Gitanjali', 'Rinki', 'Dipika', 'Chandana',
      'Pallavi', 'Anamika', 'Khushboo', 'Rimjhim', 'Nandini', 'Pooja',
    ],
    maleMiddle: ['Kumar', 'Ranjan', 'Prasad', 'Kishore', 'Nath'],
    femaleMiddle: ['Kumari', 'Devi', 'Rani'],
    middleShare: 0.35,
  },
  {
    key: 'gujarati',
    regions: { west: 10, north: 1 },
    weight: 8,
    style: 'father-middle',
    surnames: [
      'Patel', 'Shah', 'Mehta', 'Desai', 'Trivedi', 'Parikh', 'Modi', 'Thakkar', 'Vyas', 'Pandya', 'Bhatt', 'Dave', 'Solanki',
      'Parmar', 'Rathod', 'Gandhi', 'Chauhan', 'Joshi', 'Soni', 'Panchal',
    ],
    male: [
      'Amit', 'Jignesh', 'Mitesh', 'Hitesh', 'Paresh', 'Bhavesh', 'Kalpesh', 'Chirag', 'Hardik', 'Parth', 'Dhaval', 'Nilesh',
      'Rajesh', 'Jayesh', 'Bharat', 'Dilip', 'Ketan', 'Vipul', 'Harsh', 'Dev', 'Reyansh', 'Jay',
    ],
    female: [
      'Hetal', 'Krupa', 'Dimple', 'Falguni', 'Bhavna', 'Nirali', 'Khushbu', 'Jinal', 'Riddhi', 'Siddhi', 'Urvi', 'Mansi', 'Dhara',
      'Kajal', 'Rupal', 'Foram', 'Avni', 'Nisha', 'Hina', 'Jagruti', 'Kinjal', 'Myra',
    ],
    middleShare: 0.6,
  },
  {
    key: 'marathi',
    regions: { west: 10 },
    weight: 13,
    style: 'father-middle',
    surnames: [
      'Patil', 'Kulkarni', 'Deshpande', 'Deshmukh', 'Jadhav', 'Pawar', 'Shinde', 'More', 'Gaikwad', 'Kale', 'Chavan', 'Bhosale',
      'Salunkhe', 'Naik', 'Sawant', 'Kamble', 'Gokhale', 'Apte', 'Joglekar', 'Joshi', 'Kadam', 'Mane', 'Wagh', 'Lokhande', 'Shirke',
      'Phadke', 'Karve', 'Ranade',
    ],
    male: [
      'Sachin', 'Rahul', 'Ganesh', 'Santosh', 'Sandip', 'Vinayak', 'Mangesh', 'Prashant', 'Swapnil', 'Aniket', 'Omkar', 'Tejas',
      'Shrikant', 'Vaibhav', 'Yogesh', 'Mahesh', 'Rohan', 'Siddharth', 'Atharva', 'Vedant', 'Arnav', 'Sagar', 'Tushar', 'Kunal',
      'Nilesh', 'Sunil', 'Dattatray', 'Sanjay', 'Pravin', 'Amol',
    ],
    female: [
      'Sneha', 'Pooja', 'Priyanka', 'Prachi', 'Pranali', 'Rutuja', 'Sayali', 'Shraddha', 'Snehal', 'Manasi', 'Madhuri', 'Mrunal',
      'Ashwini', 'Vaishali', 'Supriya', 'Smita', 'Sunanda', 'Lata', 'Shobha', 'Sushma', 'Aarya', 'Anaya', 'Ira', 'Gauri', 'Rasika',
      'Sakshi', 'Tejaswini', 'Varsha',
    ],
    middleShare: 0.65,
  },
];

export const RELATIONS_TO_HEAD: Record<'spouse' | 'child' | 'parent' | 'sibling', { male: string; female: string }> = {
  spouse: { male: 'Husband', female: 'Wife' },
  child: { male: 'Son', female: 'Daughter' },
  parent: { male: 'Father', female: 'Mother' },
  sibling: { male: 'Brother', female: 'Sister' },
};

export const EMAIL_DOMAINS = ['gmail.com', 'gmail.com', 'gmail.com', 'gmail.com', 'yahoo.co.in', 'yahoo.com', 'rediffmail.com', 'outlook.com', 'hotmail.com'];

export const BUILDINGS = [
  'Shanti Apartments', 'Sai Krupa Society', 'Green Valley', 'Lakshmi Nivas', 'Ganga Residency', 'Sunshine Towers', 'Om Sai Heights',
  'Royal Palms', 'Gokul Dham', 'Krishna Kunj', 'Anand Vihar', 'Silver Oak', 'Blue Ridge', 'Rajmahal', 'Shivam Enclave', 'Tulsi Sadan',
];

export const STREETS = [
  'MG Road', 'Station Road', 'Main Road', 'Gandhi Nagar', 'Nehru Street', 'Temple Street', 'Market Road', 'Church Road', '2nd Cross',
  '4th Main', 'Sector 12', 'Civil Lines', 'Model Town', 'Ring Road', 'Lake View Road', 'Park Street', 'College Road', 'Hill Road',
];
